import type { ProxyFiles } from '../layout.ts';
import type { ActiveMeshMutants } from '../mutants.ts';
import type { MeshPod, MeshSnapshot } from '../snapshot.ts';
import { CLUSTER_TYPE, inboundClusters, inboundListenerName, inboundListeners, LISTENER_TYPE } from './inbound.ts';
import { outboundClusters, outboundListener, outboundRouteConfig } from './outbound.ts';
import { upstreamMtls } from './tls.ts';

export interface SidecarResources {
  listeners: object[];
  clusters: object[];
  routes: object[];
}

export interface SidecarOptions {
  mutants: ActiveMeshMutants;
  warn?: (message: string) => void;
}

const passthroughCluster = (port: number) => `passthrough|${port}||`;

/**
 * A port left out of capture (`traffic.sidecar.istio.io/excludeInboundPorts`): with iptables the connection
 * would reach the application untouched. Here the application listens on the pod's local address, so the
 * sidecar relays the bytes at L4 -- no TLS, no HTTP, no policy -- which is what "not captured" means.
 */
function passthrough(pod: MeshPod, port: number): { listener: object; cluster: object } {
  return {
    listener: {
      '@type': LISTENER_TYPE,
      name: inboundListenerName(pod, port),
      address: { socket_address: { address: pod.podIP, port_value: port } },
      filter_chains: [{ filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', stat_prefix: `passthrough_${port}`, cluster: passthroughCluster(port) } }] }],
    },
    cluster: {
      '@type': CLUSTER_TYPE,
      name: passthroughCluster(port),
      type: 'STATIC',
      connect_timeout: '10s',
      load_assignment: { cluster_name: passthroughCluster(port), endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: pod.localIP, port_value: port } } } }] }] },
    },
  };
}

/** Everything one meshed pod's sidecar serves: inbound and outbound listeners, clusters and the outbound routes. */
export function sidecarResources(snapshot: MeshSnapshot, pod: MeshPod, files: ProxyFiles, opts: SidecarOptions): SidecarResources {
  const { mutants } = opts;
  const warn = opts.warn ? { warn: opts.warn } : {};
  const excluded = new Set(pod.excludeInboundPorts ?? []);
  const captured = (r: object) => !excluded.has(Number((r as { name: string }).name.split(/[_|]/)[1]));
  const passthroughs = [...excluded].filter((p) => pod.containerPorts.includes(p)).map((p) => passthrough(pod, p));
  return {
    listeners: [
      ...inboundListeners(snapshot, pod, files, { mutants, ...warn }).filter(captured),
      ...passthroughs.map((p) => p.listener),
      outboundListener(pod, files),
    ],
    clusters: [
      ...inboundClusters(snapshot, pod).filter(captured),
      ...passthroughs.map((p) => p.cluster),
      ...outboundClusters(snapshot, pod, { mutants, ...warn, upstreamTls: (r) => upstreamMtls(files, r.spiffeIds, r.sni) }),
    ],
    routes: [outboundRouteConfig(snapshot, pod, { mutants, ...warn })],
  };
}
