import type { ActiveMutants } from '../mutants/active.ts';
import { ACTIVATOR_HEADERS } from '../serving/dataplane.ts';
import { revisionBackends, revisionKey, revisionsWithSks, type Backend } from './backends.ts';
import type { GatewaySnapshot } from './inputs.ts';
import { hostRoutes, type HostRoute } from './traffic.ts';

export const TYPE = {
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  routeConfiguration: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
} as const;

/** Filter state a connection carries under the split-per-connection mutant (bootstrap.ts): its id, hashable. */
export const CONNECTION_SPLIT_KEY = 'gauntlet.mutant.connection-split-key';

/** The route configuration the listener's connection manager asks RDS for. */
export const ROUTE_CONFIG_NAME = 'ingress-http';

/** Istio's thresholds for clusters without a DestinationRule: Envoy's defaults (1,024) would shed load. */
const UNLIMITED = 4_294_967_295;

export interface SocketAddress {
  address: string;
  port_value: number;
}

export interface EnvoyCluster {
  '@type': typeof TYPE.cluster;
  name: string;
  type: 'STATIC';
  connect_timeout: string;
  lb_policy: 'ROUND_ROBIN';
  circuit_breakers: { thresholds: Record<string, number>[] };
  load_assignment: { cluster_name: string; endpoints: { lb_endpoints: { endpoint: { address: { socket_address: SocketAddress } } }[] }[] };
}

export interface HeaderToAdd {
  header: { key: string; value: string };
  append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' | 'APPEND_IF_EXISTS_OR_ADD';
}

export interface WeightedCluster {
  name: string;
  weight: number;
  request_headers_to_add: HeaderToAdd[];
}

export interface EnvoyRouteAction {
  weighted_clusters: { clusters: WeightedCluster[]; use_hash_policy?: boolean };
  timeout: string;
  hash_policy?: { filter_state: { key: string } }[];
}

export interface EnvoyVirtualHost {
  name: string;
  domains: string[];
  request_headers_to_remove?: string[];
  routes: { match: { prefix: string }; route: EnvoyRouteAction }[];
}

export interface EnvoyRouteConfiguration {
  '@type': typeof TYPE.routeConfiguration;
  name: string;
  virtual_hosts: EnvoyVirtualHost[];
  request_headers_to_add?: HeaderToAdd[];
}

/**
 * X-Forwarded-For as Istio's gateway sets it (`use_remote_address`): the list it came with, then the address of the
 * gateway's peer. Envoy appends that itself unless the peer is a loopback address, when it appends its own host's
 * first non-loopback address instead (192.0.2.2 here); every client of the reference is on loopback, so the
 * listener skips Envoy's append (bootstrap.ts) and the route configuration appends the peer's address. Inline
 * headers such as this one are appended to with a comma, as Envoy's own append does.
 */
export const FORWARDED_FOR: HeaderToAdd = {
  header: { key: 'x-forwarded-for', value: '%DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT%' },
  append_action: 'APPEND_IF_EXISTS_OR_ADD',
};

export interface GatewayConfig {
  clusters: EnvoyCluster[];
  routeConfiguration: EnvoyRouteConfiguration;
  /** What the route configuration serves, host by host. */
  hosts: HostRoute[];
}

export interface GatewayConfigOptions {
  activator: { host: string; port: number };
  /** The port revision pods serve on: the queue-proxy's, QUEUE_SERVING_PORT in the reference. */
  podPort: number;
  mutants: Pick<ActiveMutants, 'has' | 'value'>;
}

/**
 * Routes, Pods and ServerlessServices -> Envoy resources, as net-istio + istiod would make them for Istio's
 * ingress gateway: a virtual host per Route host and per tag host, weighted clusters per request, a cluster
 * per revision pointing at its ready pods or at the activator. Pure and stable: the same inputs in any
 * order give the same output.
 */
export function buildGatewayConfig(snapshot: GatewaySnapshot, opts: GatewayConfigOptions): GatewayConfig {
  const hosts = hostRoutes(snapshot.routes, opts.mutants);
  const backendOf = revisionBackends(snapshot.pods, snapshot.serverlessServices);
  const revisions = new Map<string, { namespace: string; revision: string }>();
  for (const r of [...hosts.flatMap((h) => h.targets.map((t) => ({ namespace: h.namespace, revision: t.revision }))), ...revisionsWithSks(snapshot.serverlessServices)]) {
    revisions.set(revisionKey(r.namespace, r.revision), r);
  }
  const clusters = [...revisions]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, r]) => cluster(name, endpointsOf(backendOf(r.namespace, r.revision), opts)));
  return {
    clusters,
    routeConfiguration: {
      '@type': TYPE.routeConfiguration,
      name: ROUTE_CONFIG_NAME,
      virtual_hosts: hosts.map((h) => stripsForwarded(virtualHost(h, opts.mutants.has('split-per-connection')), opts.mutants)),
      // Evaluated after the virtual hosts' removals (the most specific level first): none under strips-forwarded-headers.
      ...(opts.mutants.has('strips-forwarded-headers') ? {} : { request_headers_to_add: [FORWARDED_FOR] }),
    },
    hosts,
  };
}

/** The cluster of a revision: net-istio routes to the revision's Service, which the SKS points at pods or the activator. */
export function clusterName(namespace: string, revision: string): string {
  return revisionKey(namespace, revision);
}

function endpointsOf(backend: Backend, opts: GatewayConfigOptions): SocketAddress[] {
  return backend.kind === 'pods'
    ? backend.addresses.map((address) => ({ address, port_value: opts.podPort }))
    : [{ address: opts.activator.host, port_value: opts.activator.port }];
}

function cluster(name: string, endpoints: SocketAddress[]): EnvoyCluster {
  return {
    '@type': TYPE.cluster,
    name,
    type: 'STATIC',
    connect_timeout: '5s',
    lb_policy: 'ROUND_ROBIN',
    circuit_breakers: { thresholds: [{ max_connections: UNLIMITED, max_pending_requests: UNLIMITED, max_requests: UNLIMITED, max_retries: UNLIMITED }] },
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: endpoints.map((a) => ({ endpoint: { address: { socket_address: a } } })) }] },
  };
}

function virtualHost(h: HostRoute, perConnection: boolean): EnvoyVirtualHost {
  return {
    name: h.host,
    // `host:*` as net-istio's authority prefix match does: a Host header with a port matches too.
    domains: [h.host, `${h.host}:*`],
    routes: [
      {
        match: { prefix: '/' },
        route: {
          // Always, as Knative's ingress does: the activator needs them, the queue-proxy ignores them.
          weighted_clusters: {
            clusters: h.targets.map((t) => ({ name: clusterName(h.namespace, t.revision), weight: t.percent, request_headers_to_add: revisionHeaders(h.namespace, t.revision) })),
            // The split-per-connection mutant: the pick comes from the connection's hash instead of a random value.
            ...(perConnection ? { use_hash_policy: true } : {}),
          },
          // Istio's default: no route timeout (Envoy's own default is 15 s); the queue-proxy enforces the revision's.
          timeout: '0s',
          ...(perConnection ? { hash_policy: [{ filter_state: { key: CONNECTION_SPLIT_KEY } }] } : {}),
        },
      },
    ],
  };
}

/** The strips-forwarded-headers mutant: the proxy headers the runtime contract asks for never reach the pods. */
function stripsForwarded(vh: EnvoyVirtualHost, mutants: GatewayConfigOptions['mutants']): EnvoyVirtualHost {
  return mutants.has('strips-forwarded-headers') ? { ...vh, request_headers_to_remove: ['forwarded', 'x-forwarded-for', 'x-forwarded-proto'] } : vh;
}

function revisionHeaders(namespace: string, revision: string): HeaderToAdd[] {
  return [
    { header: { key: ACTIVATOR_HEADERS.revision, value: revision }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
    { header: { key: ACTIVATOR_HEADERS.namespace, value: namespace }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
  ];
}
