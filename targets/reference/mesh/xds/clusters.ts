import { serviceFqdn, spiffeId, type MeshPod, type MeshServicePort, type MeshSnapshot } from '../snapshot.ts';
import { policyFields, type PolicyFields } from './cluster-policy.ts';
import { clusterPolicy, destinationRuleFor, type ClusterPolicy } from './destination-rule.ts';
import { CLUSTER_DOMAIN, selectedPods } from './mesh-hosts.ts';
import { TYPE_URL, type OutboundOptions } from './outbound-options.ts';
import { effectiveMtlsMode, matches } from './peer-authentication.ts';
import { outboundClusterName } from './route-action.ts';

/** What an Istio mTLS upstream context needs to know about a cluster. */
export interface UpstreamTlsRequest {
  cluster: string;
  /** Istio's SNI, `outbound_.<port>_.<subset>_.<fqdn>`, or the DestinationRule's `tls.sni`. */
  sni: string;
  /** The identities the server may present: the service's service accounts, or the rule's `tls.subjectAltNames`. */
  spiffeIds: string[];
}

export interface OutboundClusterOptions extends OutboundOptions {
  /**
   * A cluster's `transport_socket` for Istio mTLS (xds/tls.ts `upstreamMtls(files, r.spiffeIds, r.sni)`).
   * Without it every cluster is plaintext.
   */
  upstreamTls?: (r: UpstreamTlsRequest) => object | undefined;
  /**
   * Whether an endpoint takes Istio mTLS under auto mTLS. Default, as istiod marks endpoints: the pod has a
   * sidecar and its PeerAuthentication for that port is not DISABLE.
   */
  endpointAcceptsMtls?: (pod: MeshPod, port: number) => boolean;
}

/** The endpoint metadata auto mTLS keys on (istiod's `tlsMode` label shortname). */
export const TRANSPORT_SOCKET_MATCH = 'envoy.transport_socket_match';
const HTTP_PROTOCOL_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
const RAW_BUFFER = { name: 'envoy.transport_sockets.raw_buffer', typed_config: { '@type': TYPE_URL.rawBuffer } };

export interface EnvoyCluster extends Omit<PolicyFields, 'common_http_protocol_options' | 'upstreamProtocol'> {
  '@type': typeof TYPE_URL.cluster;
  name: string;
  type: 'STATIC';
  load_assignment: { cluster_name: string; endpoints: { lb_endpoints: object[] }[] };
  typed_extension_protocol_options: Record<string, object>;
  transport_socket?: object;
  transport_socket_matches?: object[];
}

/**
 * The sidecar's outbound clusters, as istiod builds them for a sidecar: per service port
 * `outbound|<port>||<fqdn>` and per DestinationRule subset `outbound|<port>|<subset>|<fqdn>`, each with the ready
 * pods it selects as STATIC endpoints (`podIP:targetPort`), the rule's traffic policy, and Istio mTLS: explicit
 * (`tls.mode: ISTIO_MUTUAL`), none (`DISABLE`), or automatic per endpoint (transport_socket_matches on the
 * `tlsMode: istio` endpoint metadata, so meshed and plain pods behind one service both work).
 */
export function outboundClusters(snapshot: MeshSnapshot, proxy: Pick<MeshPod, 'namespace' | 'labels'>, opts: OutboundClusterOptions = {}): EnvoyCluster[] {
  const domain = opts.clusterDomain ?? CLUSTER_DOMAIN;
  const warn = opts.warn ?? (() => undefined);
  const acceptsMtls = opts.endpointAcceptsMtls ?? ((pod, port) => pod.meshed && effectiveMtlsMode(snapshot, pod, port) !== 'DISABLE');
  const out: EnvoyCluster[] = [];
  const services = [...snapshot.services].sort((a, b) => serviceFqdn(a, domain).localeCompare(serviceFqdn(b, domain)));
  for (const service of services) {
    const fqdn = serviceFqdn(service, domain);
    const pods = selectedPods(service, snapshot.pods);
    const identities = [...new Set(pods.map((p) => spiffeId(snapshot.trustDomain, p.namespace, p.serviceAccount)))].sort();
    const rule = destinationRuleFor(snapshot, proxy, fqdn, service.namespace, domain);
    for (const port of service.ports) {
      for (const subset of [undefined, ...(rule?.subsets ?? [])]) {
        const members = subset ? pods.filter((p) => matches(subset.labels ?? {}, p.labels)) : pods;
        const name = outboundClusterName(port.port, subset?.name, fqdn);
        const policy = clusterPolicy(rule, port.port, subset);
        out.push(cluster(name, port, members.filter((p) => p.ready), policy, {
          opts, warn, acceptsMtls, identities, sni: `outbound_.${port.port}_.${subset?.name ?? ''}_.${fqdn}`,
        }));
      }
    }
  }
  return out;
}

interface ClusterContext {
  opts: OutboundClusterOptions;
  warn: (m: string) => void;
  acceptsMtls: (pod: MeshPod, port: number) => boolean;
  identities: string[];
  sni: string;
}

function cluster(name: string, port: MeshServicePort, endpoints: MeshPod[], policy: ClusterPolicy, ctx: ClusterContext): EnvoyCluster {
  const { common_http_protocol_options: common, upstreamProtocol, ...fields } = policyFields(policy, ctx.opts.mutants ?? {}, ctx.warn);
  const protocol = upstreamProtocol ?? protocolOf(port);
  const httpConfig = protocol === 'http2' ? { explicit_http_config: { http2_protocol_options: {} } }
    : protocol === 'http1' ? { explicit_http_config: { http_protocol_options: {} } }
    : { use_downstream_protocol_config: { http_protocol_options: {}, http2_protocol_options: {} } };
  const out: EnvoyCluster = {
    '@type': TYPE_URL.cluster,
    name,
    type: 'STATIC',
    ...fields,
    load_assignment: {
      cluster_name: name,
      endpoints: [{
        lb_endpoints: endpoints.map((pod) => ({
          endpoint: { address: { socket_address: { address: pod.podIP, port_value: port.targetPort } } },
          ...(ctx.acceptsMtls(pod, port.targetPort) ? { metadata: { filter_metadata: { [TRANSPORT_SOCKET_MATCH]: { tlsMode: 'istio' } } } } : {}),
        })),
      }],
    },
    typed_extension_protocol_options: { [HTTP_PROTOCOL_OPTIONS]: { '@type': TYPE_URL.httpProtocolOptions, ...(common ? { common_http_protocol_options: common } : {}), ...httpConfig } },
  };
  applyTls(out, policy.tls, ctx);
  return out;
}

/** Istio's protocol selection by port name (`http`, `http2`/`grpc`..., anything else sniffed: the client's). */
function protocolOf(port: MeshServicePort): 'http1' | 'http2' | 'downstream' {
  const prefix = (port.name ?? '').toLowerCase().split('-')[0];
  if (prefix === 'http2' || prefix === 'grpc') return 'http2';
  if (prefix === 'http') return 'http1';
  return 'downstream';
}

function applyTls(c: EnvoyCluster, tls: ClusterPolicy['tls'], ctx: ClusterContext): void {
  const mode = tls?.mode;
  if (mode === 'DISABLE') return;
  if (mode === 'SIMPLE' || mode === 'MUTUAL') {
    ctx.warn(`${c.name}: tls.mode ${mode} (TLS origination) is not supported; plaintext`);
    return;
  }
  const socket = ctx.opts.upstreamTls?.({ cluster: c.name, sni: tls?.sni || ctx.sni, spiffeIds: tls?.subjectAltNames ?? ctx.identities });
  if (mode === 'ISTIO_MUTUAL') {
    if (socket) c.transport_socket = socket;
    else ctx.warn(`${c.name}: tls.mode ISTIO_MUTUAL without an upstream TLS context; plaintext`);
    return;
  }
  if (socket) {
    c.transport_socket_matches = [
      { name: 'tlsMode-istio', match: { tlsMode: 'istio' }, transport_socket: socket },
      { name: 'tlsMode-disabled', match: {}, transport_socket: RAW_BUFFER },
    ];
  }
}
