import { describe, expect, it } from 'vitest';
import type { IDestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import type { IPeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { outboundClusters, type EnvoyCluster, type OutboundClusterOptions, type UpstreamTlsRequest } from './clusters.ts';
import { destinationRule, pod, service, snapshot } from './testing/outbound-fixtures.ts';

const client = pod('demo', 'client', '127.40.1.1', { app: 'client' });
const v1 = pod('demo', 'reviews-v1', '127.40.1.2', { app: 'reviews', version: 'v1' }, { meshed: true, serviceAccount: 'reviews' });
const v2 = pod('demo', 'reviews-v2', '127.40.1.3', { app: 'reviews', version: 'v2' });
const v2down = pod('demo', 'reviews-v2b', '127.40.1.4', { app: 'reviews', version: 'v2' }, { ready: false, serviceAccount: 'other' });
const reviews = service('demo', 'reviews', { app: 'reviews' }, [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'grpc-api', port: 9090, targetPort: 9091 }]);

/** A stand-in for xds/tls.ts upstreamMtls: records what it was asked for. */
function stubTls(seen: UpstreamTlsRequest[] = []): NonNullable<OutboundClusterOptions['upstreamTls']> {
  return (r) => {
    seen.push(r);
    return { name: 'envoy.transport_sockets.tls', typed_config: { '@type': 'stub', sni: r.sni } };
  };
}

function clusters(destinationRules: IDestinationRule[] = [], opts: OutboundClusterOptions = {}, peerAuthentications: IPeerAuthentication[] = []): Map<string, EnvoyCluster> {
  const out = outboundClusters(snapshot({ pods: [client, v1, v2, v2down], services: [reviews], destinationRules, peerAuthentications }), client, opts);
  return new Map(out.map((c) => [c.name, c]));
}
const addresses = (c: EnvoyCluster | undefined) => c!.load_assignment.endpoints[0]!.lb_endpoints.map((e) => (e as { endpoint: { address: { socket_address: { address: string; port_value: number } } } }).endpoint.address.socket_address);
const subsets = destinationRule('demo', 'reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] });

describe('outbound clusters', () => {
  it('makes a STATIC cluster per service port with its ready pods at podIP:targetPort, Istio defaults otherwise', () => {
    const all = clusters();
    expect([...all.keys()]).toEqual(['outbound|80||reviews.demo.svc.cluster.local', 'outbound|9090||reviews.demo.svc.cluster.local']);
    const c = all.get('outbound|80||reviews.demo.svc.cluster.local')!;
    expect(c).toMatchObject({
      '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', type: 'STATIC', connect_timeout: '10s', lb_policy: 'LEAST_REQUEST',
      circuit_breakers: { thresholds: [{ max_connections: 4294967295, max_pending_requests: 4294967295, max_requests: 4294967295, max_retries: 4294967295, track_remaining: true }] },
    });
    expect(c.outlier_detection).toBeUndefined();
    expect(addresses(c)).toEqual([{ address: '127.40.1.2', port_value: 8080 }, { address: '127.40.1.3', port_value: 8080 }]);
    expect(c.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions']).toMatchObject({ explicit_http_config: { http_protocol_options: {} } });
    expect(all.get('outbound|9090||reviews.demo.svc.cluster.local')!.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'])
      .toMatchObject({ explicit_http_config: { http2_protocol_options: {} } });
    expect(addresses(all.get('outbound|9090||reviews.demo.svc.cluster.local'))[0]!.port_value).toBe(9091);
  });

  it('adds a cluster per DestinationRule subset with the pods its labels select', () => {
    const all = clusters([subsets]);
    expect(addresses(all.get('outbound|80|v1|reviews.demo.svc.cluster.local'))).toEqual([{ address: '127.40.1.2', port_value: 8080 }]);
    expect(addresses(all.get('outbound|80|v2|reviews.demo.svc.cluster.local'))).toEqual([{ address: '127.40.1.3', port_value: 8080 }]);
    expect(all.has('outbound|9090|v2|reviews.demo.svc.cluster.local')).toBe(true);
  });

  it('maps connectionPool to circuit breakers and protocol options, outlierDetection as Istio, loadBalancer.simple', () => {
    const dr = destinationRule('demo', 'reviews', {
      host: 'reviews.demo.svc.cluster.local',
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 1, connectTimeout: '250ms' }, http: { http1MaxPendingRequests: 2, http2MaxRequests: 3, maxRetries: 4, maxRequestsPerConnection: 5, idleTimeout: '30s' } },
        outlierDetection: { consecutive5xxErrors: 2, consecutiveGatewayErrors: 0, interval: '1s', baseEjectionTime: '30s', maxEjectionPercent: 100 },
        loadBalancer: { simple: 'ROUND_ROBIN' },
      },
    });
    const c = clusters([dr]).get('outbound|80||reviews.demo.svc.cluster.local')!;
    expect(c).toMatchObject({
      connect_timeout: '0.25s', lb_policy: 'ROUND_ROBIN',
      circuit_breakers: { thresholds: [{ max_connections: 1, max_pending_requests: 2, max_requests: 3, max_retries: 4 }] },
      outlier_detection: {
        enforcing_success_rate: 0, consecutive_5xx: 2, enforcing_consecutive_5xx: 100, consecutive_gateway_failure: 0, enforcing_consecutive_gateway_failure: 0,
        interval: '1s', base_ejection_time: '30s', max_ejection_percent: 100,
      },
      common_lb_config: { healthy_panic_threshold: { value: 0 } },
    });
    expect(c.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'])
      .toMatchObject({ common_http_protocol_options: { max_requests_per_connection: 5, idle_timeout: '30s' } });
  });

  it('resolves port-level settings (wholesale) and subset policies (field by field)', () => {
    const dr = destinationRule('demo', 'reviews', {
      host: 'reviews',
      trafficPolicy: { loadBalancer: { simple: 'RANDOM' }, connectionPool: { tcp: { maxConnections: 7 } }, portLevelSettings: [{ port: { number: 9090 }, connectionPool: { tcp: { maxConnections: 9 } } }] },
      subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 } } } }],
    });
    const all = clusters([dr]);
    const of = (name: string) => ({ lb: all.get(name)!.lb_policy, max: all.get(name)!.circuit_breakers.thresholds[0]!.max_connections });
    expect(of('outbound|80||reviews.demo.svc.cluster.local')).toEqual({ lb: 'RANDOM', max: 7 });
    expect(of('outbound|9090||reviews.demo.svc.cluster.local')).toEqual({ lb: 'LEAST_REQUEST', max: 9 });
    expect(of('outbound|80|v1|reviews.demo.svc.cluster.local')).toEqual({ lb: 'RANDOM', max: 1 });
    expect(of('outbound|9090|v1|reviews.demo.svc.cluster.local')).toEqual({ lb: 'LEAST_REQUEST', max: 1 });
  });

  it('looks the DestinationRule up in the proxy\'s namespace, then the service\'s, then the root namespace', () => {
    const at = (ns: string, max: number) => destinationRule(ns, `dr-${ns}`, { host: 'reviews.demo.svc.cluster.local', trafficPolicy: { connectionPool: { tcp: { maxConnections: max } } } });
    const max = (rules: IDestinationRule[], proxyNs = 'demo') => {
      const out = outboundClusters(snapshot({ pods: [v1], services: [reviews], destinationRules: rules }), { ...client, namespace: proxyNs });
      return out[0]!.circuit_breakers.thresholds[0]!.max_connections;
    };
    expect(max([at('istio-system', 3), at('demo', 2), at('client-ns', 1)], 'client-ns')).toBe(1);
    expect(max([at('istio-system', 3), at('demo', 2)], 'client-ns')).toBe(2);
    expect(max([at('istio-system', 3)], 'client-ns')).toBe(3);
    expect(max([at('elsewhere', 4)], 'client-ns')).toBe(4294967295);
  });

  it('auto mTLS: meshed endpoints marked tlsMode istio, the TLS socket chosen per endpoint, plaintext for the rest', () => {
    const seen: UpstreamTlsRequest[] = [];
    const c = clusters([subsets], { upstreamTls: stubTls(seen) }).get('outbound|80||reviews.demo.svc.cluster.local')!;
    expect(c.transport_socket).toBeUndefined();
    expect(c.transport_socket_matches).toEqual([
      { name: 'tlsMode-istio', match: { tlsMode: 'istio' }, transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: { '@type': 'stub', sni: 'outbound_.80_._.reviews.demo.svc.cluster.local' } } },
      { name: 'tlsMode-disabled', match: {}, transport_socket: { name: 'envoy.transport_sockets.raw_buffer', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer' } } },
    ]);
    const metadata = c.load_assignment.endpoints[0]!.lb_endpoints.map((e) => (e as { metadata?: object }).metadata);
    expect(metadata).toEqual([{ filter_metadata: { 'envoy.transport_socket_match': { tlsMode: 'istio' } } }, undefined]);
    expect(seen.find((r) => r.cluster === 'outbound|80|v2|reviews.demo.svc.cluster.local')).toEqual({
      cluster: 'outbound|80|v2|reviews.demo.svc.cluster.local', sni: 'outbound_.80_.v2_.reviews.demo.svc.cluster.local',
      spiffeIds: ['spiffe://cluster.local/ns/demo/sa/other', 'spiffe://cluster.local/ns/demo/sa/reviews'],
    });
  });

  it('auto mTLS leaves out an endpoint whose PeerAuthentication is DISABLE; without a TLS context all is plaintext', () => {
    const disable: IPeerAuthentication = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { namespace: 'demo', name: 'off' }, spec: { mtls: { mode: 'DISABLE' } } };
    const c = clusters([], { upstreamTls: stubTls() }, [disable]).get('outbound|80||reviews.demo.svc.cluster.local')!;
    expect(c.load_assignment.endpoints[0]!.lb_endpoints.every((e) => !('metadata' in e))).toBe(true);
    const plain = clusters().get('outbound|80||reviews.demo.svc.cluster.local')!;
    expect(plain.transport_socket ?? plain.transport_socket_matches).toBeUndefined();
  });

  it('DestinationRule tls: DISABLE is plaintext, ISTIO_MUTUAL TLS to every endpoint (its sni/subjectAltNames), SIMPLE unsupported', () => {
    const tls = (mode: 'DISABLE' | 'ISTIO_MUTUAL' | 'SIMPLE', extra: object = {}) => destinationRule('demo', 'r', { host: 'reviews', trafficPolicy: { tls: { mode, ...extra } } });
    const seen: UpstreamTlsRequest[] = [];
    const warnings: string[] = [];
    const get = (dr: IDestinationRule) => clusters([dr], { upstreamTls: stubTls(seen), warn: (w) => warnings.push(w) }).get('outbound|80||reviews.demo.svc.cluster.local')!;
    const disabled = get(tls('DISABLE'));
    expect(disabled.transport_socket ?? disabled.transport_socket_matches).toBeUndefined();
    const mutual = get(tls('ISTIO_MUTUAL', { sni: 'custom', subjectAltNames: ['spiffe://x/ns/y/sa/z'] }));
    expect(mutual.transport_socket_matches).toBeUndefined();
    expect(mutual.transport_socket).toMatchObject({ typed_config: { sni: 'custom' } });
    expect(seen.at(-1)!.spiffeIds).toEqual(['spiffe://x/ns/y/sa/z']);
    const simple = get(tls('SIMPLE'));
    expect(simple.transport_socket ?? simple.transport_socket_matches).toBeUndefined();
    expect(warnings.join()).toMatch(/SIMPLE.*not supported/);
  });

  it('noOverflowLimit keeps the unlimited circuit breakers; noEjection drops outlier detection', () => {
    const dr = destinationRule('demo', 'r', { host: 'reviews', trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } }, outlierDetection: { consecutive5xxErrors: 1 } } });
    const c = (m: OutboundClusterOptions['mutants']) => clusters([dr], { mutants: m }).get('outbound|80||reviews.demo.svc.cluster.local')!;
    expect(c({}).circuit_breakers.thresholds[0]).toMatchObject({ max_connections: 1, max_pending_requests: 1 });
    expect(c({ noOverflowLimit: true }).circuit_breakers.thresholds[0]).toMatchObject({ max_connections: 4294967295, max_pending_requests: 4294967295 });
    expect(c({}).outlier_detection).toBeDefined();
    expect(c({ noEjection: true }).outlier_detection).toBeUndefined();
  });
});
