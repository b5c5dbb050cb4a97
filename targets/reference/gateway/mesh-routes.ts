/**
 * What the mesh control plane serves on the ingress gateway beside Knative's routes: virtual hosts for the
 * VirtualServices bound to Istio Gateways that select it, and the mesh clusters those routes use (with the
 * gateway's own mTLS identity). The mesh publishes them (a sink); the gateway's ConfigSync reads them on its next
 * sync (a source) and merges them into its route configuration and clusters (served-config.ts).
 */

/** An Envoy VirtualHost, as the mesh translates it; the gateway needs its name and domains, Envoy the rest. */
export interface NamedVirtualHost {
  name: string;
  domains: string[];
}

export interface MeshVirtualHost {
  virtualHost: NamedVirtualHost;
  /** The VirtualServices (`namespace/name`) whose routes it holds, for the log. */
  from: string[];
}

export interface MeshRoutes {
  virtualHosts: MeshVirtualHost[];
  /** Envoy clusters the virtual hosts route to (`outbound|<port>|<subset>|<fqdn>`). */
  clusters: { name: string }[];
}

export const NO_MESH_ROUTES: MeshRoutes = { virtualHosts: [], clusters: [] };

export interface MeshRoutesSink {
  publish(routes: MeshRoutes): void;
}

export interface MeshRoutesSource {
  current(): MeshRoutes;
  /** Called after each publication that changed the routes. */
  onChange(listener: () => void): void;
}

/**
 * The hand-over between the mesh control plane and the gateway: keeps the latest publication and tells the
 * gateway when it changed (the mesh publishes on every pass over the mesh, mostly the same routes).
 */
export class MeshRoutesChannel implements MeshRoutesSink, MeshRoutesSource {
  private routes: MeshRoutes = NO_MESH_ROUTES;
  private json = JSON.stringify(NO_MESH_ROUTES);
  private readonly listeners: (() => void)[] = [];

  publish(routes: MeshRoutes): void {
    const json = JSON.stringify(routes);
    if (json === this.json) return;
    this.routes = routes;
    this.json = json;
    for (const l of this.listeners) l();
  }

  current(): MeshRoutes {
    return this.routes;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
}
