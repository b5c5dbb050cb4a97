import { serviceFqdn, type MeshPod, type MeshSnapshot } from '../snapshot.ts';
import { CLUSTER_DOMAIN, serviceDomains, serviceIndex } from './mesh-hosts.ts';
import { OUTBOUND_ROUTE_NAME, TYPE_URL, type OutboundOptions } from './outbound-options.ts';
import { outboundClusterName, type EnvoyRoute } from './route-action.ts';
import { retryPolicy } from './route-policies.ts';
import { meshVirtualServices, virtualServiceFor, virtualServiceRoutes } from './virtual-service.ts';

export interface EnvoyVirtualHost {
  name: string;
  domains: string[];
  routes: EnvoyRoute[];
  include_request_attempt_count: boolean;
}

export interface EnvoyRouteConfiguration {
  '@type': typeof TYPE_URL.routeConfiguration;
  name: string;
  virtual_hosts: EnvoyVirtualHost[];
  validate_clusters: boolean;
}

/** istiod's catch-all for hosts outside the registry under REGISTRY_ONLY: Envoy answers 502 itself. */
export const BLOCK_ALL = 'block_all';

/**
 * The RDS route configuration of the sidecar's outbound HTTP listener: a virtual host per service port
 * (named `<fqdn>:<port>`, domains as clients write the host, see serviceDomains), with the routes of the
 * VirtualService for that service, or the default route to `outbound|<port>||<fqdn>` (Istio's default retries,
 * no timeout); everything else answered 502 (Istio's REGISTRY_ONLY: nothing exists outside the mesh here).
 * A domain already taken by an earlier virtual host is dropped from later ones, as istiod dedupes.
 */
export function outboundRouteConfig(snapshot: MeshSnapshot, proxy: MeshPod, opts: OutboundOptions = {}): EnvoyRouteConfiguration {
  const clusterDomain = opts.clusterDomain ?? CLUSTER_DOMAIN;
  const services = serviceIndex(snapshot, clusterDomain);
  const virtualServices = meshVirtualServices(snapshot, proxy);
  const mutants = opts.mutants ?? {};
  const warn = opts.warn ?? (() => undefined);
  const taken = new Set<string>();
  const virtualHosts: EnvoyVirtualHost[] = [];
  for (const service of [...snapshot.services].sort((a, b) => serviceFqdn(a, clusterDomain).localeCompare(serviceFqdn(b, clusterDomain)))) {
    const fqdn = serviceFqdn(service, clusterDomain);
    const vs = virtualServiceFor(virtualServices, fqdn, clusterDomain);
    for (const { port } of service.ports) {
      const fromVs = vs ? virtualServiceRoutes(vs, proxy, { listenPort: port, services, mutants, warn }) : [];
      const routes = fromVs.length > 0 ? fromVs : [defaultRoute(outboundClusterName(port, undefined, fqdn), opts)];
      const domains = serviceDomains(service, port, proxy.namespace, clusterDomain).filter((d) => !taken.has(d));
      domains.forEach((d) => taken.add(d));
      if (domains.length > 0) virtualHosts.push({ name: `${fqdn}:${port}`, domains, routes, include_request_attempt_count: true });
    }
  }
  virtualHosts.push({
    name: BLOCK_ALL,
    domains: ['*'],
    routes: [{ name: BLOCK_ALL, match: { prefix: '/' }, direct_response: { status: 502 } }],
    include_request_attempt_count: true,
  });
  return { '@type': TYPE_URL.routeConfiguration, name: OUTBOUND_ROUTE_NAME, virtual_hosts: virtualHosts, validate_clusters: false };
}

/** istiod's BuildDefaultHTTPOutboundRoute: the service's cluster, the default retry policy, no timeout. */
function defaultRoute(cluster: string, opts: OutboundOptions): EnvoyRoute {
  const retry = opts.mutants?.retriesIgnored ? undefined : retryPolicy(undefined);
  return {
    name: 'default',
    match: { prefix: '/' },
    route: { cluster, timeout: '0s', max_grpc_timeout: '0s', ...(retry ? { retry_policy: retry } : {}) },
  };
}
