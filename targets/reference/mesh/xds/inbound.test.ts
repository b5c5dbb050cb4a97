import { describe, expect, it } from 'vitest';
import { proxyFiles } from '../layout.ts';
import type { MeshPod, MeshSnapshot } from '../snapshot.ts';
import { healthListener, inboundClusters, inboundListeners, inboundPorts, type InboundMutants } from './inbound.ts';

const pod: MeshPod = {
  namespace: 'demo', name: 'web-1', labels: { app: 'web' }, serviceAccount: 'web', podIP: '127.40.1.1', localIP: '127.40.1.2',
  ready: true, meshed: true, containerPorts: [8080, 15021],
};
const files = proxyFiles('/mesh', 'demo', 'web-1');

function snapshot(mode?: 'STRICT' | 'PERMISSIVE' | 'DISABLE'): MeshSnapshot {
  return {
    rootNamespace: 'istio-system', trustDomain: 'cluster.local', pods: [pod], virtualServices: [], destinationRules: [], gateways: [], authorizationPolicies: [],
    peerAuthentications: mode ? [{ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { namespace: 'istio-system', name: 'default' }, spec: { mtls: { mode } } }] : [],
    services: [
      { namespace: 'demo', name: 'web', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 9090 }, { port: 81, targetPort: 8080 }] },
      { namespace: 'other', name: 'web', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 7070 }] },
      { namespace: 'demo', name: 'headless', selector: {}, ports: [{ port: 80, targetPort: 6060 }] },
    ],
  };
}

type Listener = {
  name: string; address: unknown; listener_filters?: { name: string }[];
  filter_chains: { filter_chain_match?: { transport_protocol: string }; transport_socket?: { typed_config: Record<string, unknown> }; filters: { typed_config: Record<string, unknown> }[] }[];
};
const listeners = (mode?: 'STRICT' | 'PERMISSIVE' | 'DISABLE', mutants: InboundMutants = {}) => inboundListeners(snapshot(mode), pod, files, { mutants }) as Listener[];
const chains = (l: Listener) => l.filter_chains.map((c) => `${c.filter_chain_match?.transport_protocol ?? 'any'}:${c.transport_socket ? 'mtls' : 'plain'}`);

describe('inbound ports, listeners and clusters', () => {
  it('serves the target ports of the pod\'s Services in its namespace and its container ports, not the sidecar\'s own', () => {
    expect(inboundPorts(snapshot(), pod)).toEqual([8080, 9090]);
    expect(inboundPorts(snapshot(), { ...pod, meshed: false })).toEqual([]);
    expect(inboundListeners(snapshot(), { ...pod, meshed: false }, files)).toEqual([]);
  });

  it('binds each port at podIP and forwards to cluster inbound|<port>|| at localIP', () => {
    const [l] = listeners();
    expect(l).toMatchObject({ '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener', name: '127.40.1.1_8080', address: { socket_address: { address: '127.40.1.1', port_value: 8080 } } });
    const route = (l!.filter_chains[0]!.filters[0]!.typed_config.route_config as { virtual_hosts: { routes: { route: unknown }[] }[] }).virtual_hosts[0]!.routes[0]!.route;
    expect(route).toMatchObject({ cluster: 'inbound|8080||', timeout: '0s' });
    expect(inboundClusters(snapshot(), pod)[0]).toMatchObject({
      name: 'inbound|8080||', type: 'STATIC',
      load_assignment: { endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.40.1.2', port_value: 8080 } } } }] }] },
    });
  });

  it('chooses filter chains by mode: STRICT mTLS only, PERMISSIVE both by the TLS inspector, DISABLE plaintext only', () => {
    expect(chains(listeners('STRICT')[0]!)).toEqual(['tls:mtls']);
    expect(listeners('STRICT')[0]!.listener_filters?.map((f) => f.name)).toEqual(['envoy.filters.listener.tls_inspector']);
    expect(chains(listeners()[0]!)).toEqual(['tls:mtls', 'raw_buffer:plain']);
    expect(chains(listeners('DISABLE')[0]!)).toEqual(['any:plain']);
    expect(listeners('DISABLE')[0]!.listener_filters).toBeUndefined();
  });

  it('requires a client certificate verified against ROOTCA and presents `default`, both by SDS from the pod\'s files', () => {
    const tls = listeners('STRICT')[0]!.filter_chains[0]!.transport_socket!.typed_config;
    expect(tls).toMatchObject({
      require_client_certificate: true,
      common_tls_context: {
        tls_certificate_sds_secret_configs: [{ name: 'default', sds_config: { path_config_source: { path: files.certSecret, watched_directory: { path: files.sdsDir } } } }],
        combined_validation_context: { default_validation_context: {}, validation_context_sds_secret_config: { name: 'ROOTCA', sds_config: { path_config_source: { path: files.rootSecret } } } },
      },
    });
  });

  it('forwards the caller\'s identity as Istio does (APPEND_FORWARD, subject, URI and DNS)', () => {
    const hcm = listeners('STRICT')[0]!.filter_chains[0]!.filters[0]!.typed_config;
    expect(hcm).toMatchObject({ forward_client_cert_details: 'APPEND_FORWARD', set_current_client_cert_details: { subject: true, uri: true, dns: true } });
  });

  it('shows each mutant in the configuration', () => {
    expect(chains(listeners('STRICT', { strictAcceptsPlaintext: true })[0]!)).toEqual(['tls:mtls', 'raw_buffer:plain']);
    expect(chains(listeners('PERMISSIVE', { permissiveAsStrict: true })[0]!)).toEqual(['tls:mtls']);
    expect(chains(listeners('DISABLE', { permissiveAsStrict: true, strictAcceptsPlaintext: true })[0]!)).toEqual(['any:plain']);
    const hcm = listeners('STRICT', { identityNotForwarded: true })[0]!.filter_chains[0]!.filters[0]!.typed_config;
    expect(hcm.forward_client_cert_details).toBe('SANITIZE');
    expect(hcm.set_current_client_cert_details).toBeUndefined();
    const tls = listeners('STRICT', { foreignCaTrusted: true })[0]!.filter_chains[0]!.transport_socket!.typed_config;
    expect(tls).toMatchObject({ common_tls_context: { combined_validation_context: { default_validation_context: { trust_chain_verification: 'ACCEPT_UNTRUSTED' } } } });
    const s = { ...snapshot(), authorizationPolicies: [{ apiVersion: 'security.istio.io/v1' as const, kind: 'AuthorizationPolicy' as const, metadata: { namespace: 'demo', name: 'none' }, spec: {} }] };
    const filterNames = (m: InboundMutants) => ((inboundListeners(s, pod, files, { mutants: m })[0] as Listener).filter_chains[0]!.filters[0]!.typed_config.http_filters as { name: string }[]).map((f) => f.name);
    expect(filterNames({})).toEqual(['envoy.filters.http.rbac', 'envoy.filters.http.router']);
    expect(filterNames({ authzIgnored: true })).toEqual(['envoy.filters.http.router']);
  });

  it('answers /healthz/ready on podIP:15021 itself', () => {
    expect(healthListener(pod)).toMatchObject({ address: { socket_address: { address: '127.40.1.1', port_value: 15021 } } });
    expect(JSON.stringify(healthListener(pod))).toContain('"match":{"path":"/healthz/ready"},"direct_response":{"status":200}');
  });
});
