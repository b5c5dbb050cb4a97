import type { MeshRoutes, MeshVirtualHost } from '../../gateway/mesh-routes.ts';
import type { ProxyFiles } from '../layout.ts';
import { serviceFqdn, type MeshSnapshot } from '../snapshot.ts';
import { outboundClusters } from './clusters.ts';
import { admittedHosts, gatewayServers, serverHostsFor, type IngressGatewayWorkload } from './gateway-servers.ts';
import { CLUSTER_DOMAIN, resolveHost, serviceIndex } from './mesh-hosts.ts';
import type { OutboundMutants } from './outbound-options.ts';
import type { EnvoyRoute } from './route-action.ts';
import { isCatchAll } from './route-match.ts';
import type { EnvoyVirtualHost } from './routes.ts';
import { upstreamMtls } from './tls.ts';
import { virtualServiceRoutes, virtualServicesForGateway } from './virtual-service.ts';

export type { IngressGatewayWorkload } from './gateway-servers.ts';

export interface GatewayMutants extends OutboundMutants {
  /** VirtualServices bound to Gateways are not served at the ingress gateway. */
  gatewayIgnoresVirtualServices?: boolean;
}

export interface IngressGatewayOptions {
  /** The gateway's SDS files (`gatewayFiles`): its certificate for mTLS to meshed destinations. */
  files: Pick<ProxyFiles, 'certSecret' | 'rootSecret' | 'sdsDir'>;
  mutants: GatewayMutants;
  warn: (message: string) => void;
  clusterDomain?: string;
}

interface HostEntry {
  port: number;
  routes: EnvoyRoute[];
  from: string[];
  /** Which (server, VirtualService) route lists it holds already. */
  added: Set<string>;
}

/**
 * The ingress gateway's share of the mesh, as istiod's buildGatewayHTTPRouteConfig for its HTTP servers: for
 * each served Gateway server (gateway-servers.ts) and each VirtualService bound to its Gateway, the hosts the
 * server admits get the VirtualService's routes, translated as for a sidecar (virtualServiceRoutes, with the
 * Gateway as the proxy's gateway name: a match naming only `mesh` does not apply); several VirtualServices for
 * one host append their routes, oldest first, catch-alls last. A virtual host per host, named `<host>:<port>`.
 * The clusters are the sidecar's outbound clusters as seen from the gateway's namespace (DestinationRules, auto
 * mTLS with the gateway's own certificate), those the routes use.
 */
export function ingressGatewayRoutes(snapshot: MeshSnapshot, workload: IngressGatewayWorkload, opts: IngressGatewayOptions): MeshRoutes {
  if (opts.mutants.gatewayIgnoresVirtualServices) return { virtualHosts: [], clusters: [] };
  const domain = opts.clusterDomain ?? CLUSTER_DOMAIN;
  const { warn, mutants } = opts;
  const services = serviceIndex(snapshot, domain);
  const proxy = { namespace: workload.namespace, labels: workload.labels };
  const byHost = new Map<string, HostEntry>();
  const translated = new Map<string, EnvoyRoute[]>();
  for (const server of gatewayServers(snapshot, workload, warn)) {
    for (const vs of virtualServicesForGateway(snapshot, server.gateway, workload.namespace)) {
      const ns = vs.metadata?.namespace ?? 'default';
      const name = `${ns}/${vs.metadata?.name ?? ''}`;
      const hosts = admittedHosts(serverHostsFor(server, ns), (vs.spec?.hosts ?? []).map((h) => resolveHost(h, ns, domain)));
      if (hosts.length === 0) continue;
      const key = `${server.gateway}|${server.port}|${name}`;
      let routes = translated.get(key);
      if (!routes) {
        routes = virtualServiceRoutes(vs, proxy, { listenPort: server.port, services, mutants, warn }, new Set([server.gateway]));
        translated.set(key, routes);
        if (routes.length === 0) warn(`VirtualService ${name}: no HTTP route of it applies at Gateway ${server.gateway} port ${server.port}; left out there`);
      }
      for (const host of hosts) {
        const entry = byHost.get(host) ?? { port: server.port, routes: [], from: [], added: new Set<string>() };
        byHost.set(host, entry);
        if (routes.length === 0 || entry.added.has(key)) continue;
        entry.added.add(key);
        entry.routes.push(...routes);
        if (!entry.from.includes(name)) entry.from.push(name);
      }
    }
  }
  const served = [...byHost]
    .filter(([, e]) => e.routes.length > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([host, e]): MeshVirtualHost & { virtualHost: EnvoyVirtualHost } => ({ virtualHost: virtualHost(host, e), from: e.from }));
  return { virtualHosts: served, clusters: usedClusters(snapshot, proxy, served.map((h) => h.virtualHost), opts) };
}

function virtualHost(host: string, e: HostEntry): EnvoyVirtualHost {
  // istiod's SortVHostRoutes: routes that take everything go last, the others keep their order.
  const routes = [...e.routes.filter((r) => !isCatchAll(r.match)), ...e.routes.filter((r) => isCatchAll(r.match))];
  return { name: `${host}:${e.port}`, domains: [host], routes, include_request_attempt_count: true };
}

/** The clusters the virtual hosts' routes (destinations and mirrors) name, built only for the services they name. */
function usedClusters(snapshot: MeshSnapshot, proxy: { namespace: string; labels: Record<string, string> }, hosts: EnvoyVirtualHost[], opts: IngressGatewayOptions) {
  const names = new Set<string>();
  for (const vh of hosts) {
    for (const r of vh.routes) {
      if (r.route?.cluster) names.add(r.route.cluster);
      for (const c of r.route?.weighted_clusters?.clusters ?? []) names.add(c.name);
      for (const m of r.route?.request_mirror_policies ?? []) names.add(m.cluster);
    }
  }
  if (names.size === 0) return [];
  const domain = opts.clusterDomain ?? CLUSTER_DOMAIN;
  const fqdns = new Set([...names].map((n) => n.split('|')[3]));
  const named = { ...snapshot, services: snapshot.services.filter((s) => fqdns.has(serviceFqdn(s, domain))) };
  return outboundClusters(named, proxy, {
    mutants: opts.mutants, warn: opts.warn, clusterDomain: domain,
    upstreamTls: (r) => upstreamMtls(opts.files, r.spiffeIds, r.sni),
  }).filter((c) => names.has(c.name));
}
