import { SIDECAR_PORTS, type ProxyFiles } from '../layout.ts';
import type { MeshPod, MeshSnapshot } from '../snapshot.ts';
import { rbacHttpFilters } from './authorization.ts';
import { effectiveMtlsMode, matches, type MtlsMode } from './peer-authentication.ts';
import { downstreamMtls } from './tls.ts';

export interface InboundMutants {
  /** A STRICT port also serves plaintext (as PERMISSIVE does). */
  strictAcceptsPlaintext?: boolean;
  /** A PERMISSIVE port refuses plaintext (as STRICT does). */
  permissiveAsStrict?: boolean;
  /** The application is not told who called: no x-forwarded-client-cert. */
  identityNotForwarded?: boolean;
  /** The mTLS chain accepts a client certificate from any CA. */
  foreignCaTrusted?: boolean;
  /** No AuthorizationPolicy is enforced. */
  authzIgnored?: boolean;
}

export interface InboundOptions {
  mutants?: InboundMutants;
  /** Told about each AuthorizationPolicy part that cannot be translated (see authorization.ts). */
  warn?: (message: string) => void;
}

export const LISTENER_TYPE = 'type.googleapis.com/envoy.config.listener.v3.Listener';
export const CLUSTER_TYPE = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const HCM = 'envoy.filters.network.http_connection_manager';
const HCM_TYPE = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } };
const TLS_INSPECTOR = {
  name: 'envoy.filters.listener.tls_inspector',
  typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector' },
};
/** Istio lifts Envoy's default circuit breakers (1024) on every cluster. */
const NO_CIRCUIT_BREAKING = { thresholds: [{ max_connections: 4294967295, max_pending_requests: 4294967295, max_requests: 4294967295, max_retries: 4294967295, track_remaining: true }] };

export const inboundClusterName = (port: number): string => `inbound|${port}||`;
export const inboundListenerName = (pod: Pick<MeshPod, 'podIP'>, port: number): string => `${pod.podIP}_${port}`;
export const HEALTH_LISTENER = 'health';

/**
 * The ports a meshed pod's sidecar serves at `podIP`: the target ports of the Services selecting the pod and
 * its containers' ports, less the sidecar's own. None for a pod without a sidecar.
 */
export function inboundPorts(snapshot: Pick<MeshSnapshot, 'services'>, pod: MeshPod): number[] {
  if (!pod.meshed) return [];
  const ports = new Set(pod.containerPorts);
  for (const s of snapshot.services) {
    if (s.namespace !== pod.namespace || Object.keys(s.selector).length === 0 || !matches(s.selector, pod.labels)) continue;
    for (const p of s.ports) ports.add(p.targetPort);
  }
  const reserved = new Set<number>(Object.values(SIDECAR_PORTS));
  return [...ports].filter((p) => !reserved.has(p)).sort((a, b) => a - b);
}

/**
 * One listener per inbound port, bound at `podIP:port`, its filter chains chosen by the port's mTLS mode:
 * STRICT serves mTLS only, PERMISSIVE tells mTLS from plaintext by the TLS inspector, DISABLE serves plaintext.
 * Resources for the LDS file (with their `@type`).
 */
export function inboundListeners(snapshot: MeshSnapshot, pod: MeshPod, files: ProxyFiles, opts: InboundOptions = {}): object[] {
  const mutants = opts.mutants ?? {};
  const rbac = rbacHttpFilters(snapshot, pod, { mutants: { authzIgnored: mutants.authzIgnored }, ...(opts.warn ? { warn: opts.warn } : {}) });
  return inboundPorts(snapshot, pod).map((port) => {
    let mode: MtlsMode = effectiveMtlsMode(snapshot, pod, port);
    if (mode === 'STRICT' && mutants.strictAcceptsPlaintext) mode = 'PERMISSIVE';
    else if (mode === 'PERMISSIVE' && mutants.permissiveAsStrict) mode = 'STRICT';
    const hcm = connectionManager(port, rbac, mutants);
    const mtls = { name: 'mtls', filter_chain_match: { transport_protocol: 'tls' }, transport_socket: downstreamMtls(files, { trustDomain: snapshot.trustDomain, acceptUntrusted: mutants.foreignCaTrusted }), filters: [hcm] };
    const plaintext = { name: 'plaintext', filters: [hcm] };
    // STRICT keeps the TLS inspector so that a plaintext client finds no filter chain and is closed at once,
    // as Istio's STRICT chain (matched on TLS) does, rather than getting a TLS alert in reply.
    const chains = {
      STRICT: { listener_filters: [TLS_INSPECTOR], filter_chains: [mtls] },
      PERMISSIVE: { listener_filters: [TLS_INSPECTOR], filter_chains: [mtls, { ...plaintext, filter_chain_match: { transport_protocol: 'raw_buffer' } }] },
      DISABLE: { filter_chains: [plaintext] },
    }[mode];
    return {
      '@type': LISTENER_TYPE,
      name: inboundListenerName(pod, port),
      address: { socket_address: { address: pod.podIP, port_value: port } },
      traffic_direction: 'INBOUND',
      ...chains,
    };
  });
}

/** The clusters the inbound listeners forward to: `inbound|<port>||`, the application at `localIP:port`. */
export function inboundClusters(snapshot: Pick<MeshSnapshot, 'services'>, pod: MeshPod): object[] {
  return inboundPorts(snapshot, pod).map((port) => ({
    '@type': CLUSTER_TYPE,
    name: inboundClusterName(port),
    type: 'STATIC',
    connect_timeout: '10s',
    circuit_breakers: NO_CIRCUIT_BREAKING,
    // As Istio's inbound clusters for ports of unknown protocol: HTTP/1.1 on, h2c on.
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        use_downstream_protocol_config: {},
      },
    },
    load_assignment: {
      cluster_name: inboundClusterName(port),
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: pod.localIP, port_value: port } } } }] }],
    },
  }));
}

/**
 * Istio's sidecar inbound HTTP connection manager: the RBAC filters, then the router to `inbound|<port>||`
 * without a route timeout. The caller's identity reaches the application as Istio's does: APPEND_FORWARD with
 * the peer certificate's subject, URI and DNS SANs (Envoy adds `By=` and `Hash=`); on a plaintext connection
 * Envoy removes any x-forwarded-client-cert the client sent.
 */
function connectionManager(port: number, rbac: object[], mutants: InboundMutants): object {
  const cluster = inboundClusterName(port);
  return {
    name: HCM,
    typed_config: {
      '@type': HCM_TYPE,
      stat_prefix: `inbound_${port}`,
      codec_type: 'AUTO',
      route_config: {
        name: cluster,
        validate_clusters: false,
        virtual_hosts: [{
          name: `inbound|http|${port}`,
          domains: ['*'],
          routes: [{ name: 'default', match: { prefix: '/' }, route: { cluster, timeout: '0s', max_stream_duration: { max_stream_duration: '0s', grpc_timeout_header_max: '0s' } } }],
        }],
      },
      http_filters: [...rbac, ROUTER],
      use_remote_address: false,
      normalize_path: true,
      server_name: 'istio-envoy',
      upgrade_configs: [{ upgrade_type: 'websocket' }],
      ...(mutants.identityNotForwarded
        ? { forward_client_cert_details: 'SANITIZE' }
        : { forward_client_cert_details: 'APPEND_FORWARD', set_current_client_cert_details: { subject: true, uri: true, dns: true } }),
    },
  };
}

/**
 * `podIP:15021/healthz/ready`, answered by Envoy itself. Envoy opens its listeners only once the file-based LDS
 * and CDS have loaded, so an answer means the configuration is in.
 */
export function healthListener(pod: Pick<MeshPod, 'podIP'>): object {
  return {
    name: HEALTH_LISTENER,
    address: { socket_address: { address: pod.podIP, port_value: SIDECAR_PORTS.health } },
    filter_chains: [{
      filters: [{
        name: HCM,
        typed_config: {
          '@type': HCM_TYPE,
          stat_prefix: 'health',
          codec_type: 'AUTO',
          route_config: {
            name: 'health',
            virtual_hosts: [{ name: 'health', domains: ['*'], routes: [{ match: { path: '/healthz/ready' }, direct_response: { status: 200 } }] }],
          },
          http_filters: [ROUTER],
        },
      }],
    }],
  };
}
