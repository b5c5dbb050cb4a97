import type { EnvoyRouteConfiguration, GatewayConfig } from './envoy-resources.ts';
import type { MeshRoutes, NamedVirtualHost } from './mesh-routes.ts';
import type { HostRoute } from './traffic.ts';

export interface ServedRouteConfiguration extends Omit<EnvoyRouteConfiguration, 'virtual_hosts'> {
  virtual_hosts: NamedVirtualHost[];
  ignore_port_in_host_matching: boolean;
}

/** What the gateway's Envoy is given: Knative's configuration with the mesh's routes merged in. */
export interface ServedConfig {
  clusters: { name: string }[];
  routeConfiguration: ServedRouteConfiguration;
  /** Knative's hosts (what `programmed` judges), as in GatewayConfig. */
  hosts: HostRoute[];
}

/**
 * Knative's virtual hosts as they are, then the mesh's (VirtualServices bound to Gateways); a domain both claim
 * stays Knative's, and `warn` is told (Envoy refuses a route configuration in which two virtual hosts share a
 * domain). A mesh virtual host left without domains is dropped. The host is matched without the port, as on
 * Istio's gateway (`ignore_port_in_host_matching`): a VirtualService host is a name, Knative's virtual hosts
 * list `host:*` besides.
 */
export function servedConfig(knative: GatewayConfig, mesh: MeshRoutes, warn: (message: string) => void): ServedConfig {
  // Knative's virtual hosts are named by their host: domain -> the namespace of the Route serving it.
  const namespaceOf = new Map(knative.hosts.map((h) => [h.host, h.namespace]));
  const owner = new Map<string, string | undefined>();
  for (const v of knative.routeConfiguration.virtual_hosts) for (const d of v.domains) owner.set(d, namespaceOf.get(v.name));
  const fromMesh: NamedVirtualHost[] = [];
  for (const { virtualHost, from } of mesh.virtualHosts) {
    const domains = virtualHost.domains.filter((d) => {
      if (!owner.has(d)) return true;
      const ns = owner.get(d);
      warn(`host ${d} is claimed by a Knative Route${ns ? ` in namespace ${ns}` : ''} and by VirtualService ${from.join(', ')}: the Route is served`);
      return false;
    });
    if (domains.length > 0) fromMesh.push({ ...virtualHost, domains });
  }
  return {
    clusters: [...knative.clusters, ...mesh.clusters],
    routeConfiguration: {
      ...knative.routeConfiguration,
      virtual_hosts: [...knative.routeConfiguration.virtual_hosts, ...fromMesh],
      ignore_port_in_host_matching: true,
    },
    hosts: knative.hosts,
  };
}
