import { describe, expect, it } from 'vitest';
import type { IGateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import type { IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import type { IPeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { gatewayFiles } from '../layout.ts';
import type { MeshSnapshot } from '../snapshot.ts';
import type { EnvoyCluster } from './clusters.ts';
import { admittedHosts, serverHostsFor } from './gateway-servers.ts';
import { ingressGatewayRoutes, type GatewayMutants, type IngressGatewayWorkload } from './gateway.ts';
import { resolveGatewayName } from './route-match.ts';
import type { EnvoyVirtualHost } from './routes.ts';
import { destinationRule, gateway, pod, service, snapshot, virtualService } from './testing/outbound-fixtures.ts';

const workload: IngressGatewayWorkload = {
  namespace: 'istio-system', service: 'istio-ingressgateway', labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
  serviceAccount: 'istio-ingressgateway-service-account',
};
const files = gatewayFiles('/mesh', 'istio-system', 'istio-ingressgateway');
// As the reference publishes it (port = target port) and as Istio installs it (80 -> 8080).
const ingressService = service('istio-system', 'istio-ingressgateway', workload.labels, [{ name: 'http2', port: 8080, targetPort: 8080 }]);
const istioStyle = service('istio-system', 'istio-ingressgateway', workload.labels, [{ name: 'http2', port: 80, targetPort: 8080 }]);
const v1 = pod('demo', 'app-v1', '127.40.2.1', { app: 'app', version: 'v1' }, { meshed: true, serviceAccount: 'app' });
const v2 = pod('demo', 'app-v2', '127.40.2.2', { app: 'app', version: 'v2' });
const subsets = destinationRule('demo', 'app', { host: 'app', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] });

type Server = NonNullable<NonNullable<IGateway['spec']>['servers']>[number];
const http = (hosts: string[], number = 8080, protocol = 'HTTP'): Server => ({ port: { number, name: 'http', protocol }, hosts });
const ingressGateway = (namespace: string, name: string, servers: Server[], selector: Record<string, string> | undefined = { istio: 'ingressgateway' }, created?: string) =>
  gateway(namespace, name, { ...(selector ? { selector } : {}), servers }, created);
const toSubset = (ns: string, name: string, hosts: string[], gateways: string[], subset = 'v1', created?: string) =>
  virtualService(ns, name, { hosts, gateways, http: [{ route: [{ destination: { host: 'app.demo.svc.cluster.local', subset } }] }] }, created);

function translate(parts: Partial<MeshSnapshot>, mutants: GatewayMutants = {}, warnings: string[] = []) {
  const s = snapshot({ pods: [v1, v2], services: [ingressService, service('demo', 'app', { app: 'app' })], destinationRules: [subsets], ...parts });
  return ingressGatewayRoutes(s, workload, { files, mutants, warn: (w) => warnings.push(w) });
}
const hosts = (r: ReturnType<typeof translate>) => r.virtualHosts.map((v) => v.virtualHost.domains).flat();
const vhost = (r: ReturnType<typeof translate>, host: string) => r.virtualHosts.find((v) => v.virtualHost.domains.includes(host))?.virtualHost as EnvoyVirtualHost | undefined;
const clusterOf = (r: ReturnType<typeof translate>, host: string) => vhost(r, host)?.routes.map((x) => x.route?.cluster);

describe('ingress gateway: which Gateways and servers apply', () => {
  const gw = ingressGateway('demo', 'gw', [http(['app.example.com'])]);
  const vs = toSubset('demo', 'app', ['app.example.com'], ['gw']);

  it('serves a VirtualService bound to a Gateway that selects the gateway, on a port of its Service', () => {
    const r = translate({ gateways: [gw], virtualServices: [vs] });
    expect(r.virtualHosts).toHaveLength(1);
    expect(r.virtualHosts[0]!.from).toEqual(['demo/app']);
    expect(vhost(r, 'app.example.com')).toMatchObject({ name: 'app.example.com:8080', domains: ['app.example.com'], include_request_attempt_count: true });
    expect(clusterOf(r, 'app.example.com')).toEqual(['outbound|80|v1|app.demo.svc.cluster.local']);
  });

  it('selects by label (no selector: every gateway); another selector is not this gateway', () => {
    expect(hosts(translate({ gateways: [ingressGateway('demo', 'gw', [http(['app.example.com'])], undefined)], virtualServices: [vs] }))).toEqual(['app.example.com']);
    expect(hosts(translate({ gateways: [ingressGateway('demo', 'gw', [http(['app.example.com'])], { istio: 'egressgateway' })], virtualServices: [vs] }))).toEqual([]);
    expect(hosts(translate({ gateways: [ingressGateway('demo', 'gw', [http(['app.example.com'])], { app: 'istio-ingressgateway', istio: 'ingressgateway', x: 'y' })], virtualServices: [vs] }))).toEqual([]);
  });

  it("serves a server on the Service's port or target port; says what it leaves out (other ports, TLS, TCP, redirects)", () => {
    const warnings: string[] = [];
    const servers = [http(['a.example.com'], 80), http(['b.example.com'], 8080, 'HTTP2'), http(['c.example.com'], 9090), http(['d.example.com'], 443, 'HTTPS'),
      { ...http(['e.example.com'], 80), tls: { httpsRedirect: true } }, http(['f.example.com'], 80, 'TCP')];
    const all = ['a', 'b', 'c', 'd', 'e', 'f'].map((h) => `${h}.example.com`);
    const r = translate({ services: [istioStyle, service('demo', 'app', { app: 'app' })], gateways: [ingressGateway('demo', 'gw', servers)], virtualServices: [toSubset('demo', 'app', all, ['gw'])] }, {}, warnings);
    expect(hosts(r)).toEqual(['a.example.com', 'b.example.com']);
    expect(vhost(r, 'a.example.com')!.name).toBe('a.example.com:80');
    expect(warnings).toEqual([
      expect.stringMatching(/^Gateway demo\/gw server http \(port 9090, HTTP\): not served; the port is no port or target port of Service istio-system\/istio-ingressgateway \(80->8080\)/),
      expect.stringMatching(/port 443, HTTPS\): not served; the ingress gateway serves plaintext HTTP servers only/),
      expect.stringMatching(/port 80, HTTP\): tls.httpsRedirect is not supported/),
      expect.stringMatching(/port 80, TCP\): not served/),
    ]);
  });

  it('serves a server with `bind` on the gateway\'s listener, and says that bind is ignored', () => {
    const warnings: string[] = [];
    const r = translate({ gateways: [ingressGateway('demo', 'gw', [{ ...http(['app.example.com']), bind: '10.0.0.1' }])], virtualServices: [vs] }, {}, warnings);
    expect(hosts(r)).toEqual(['app.example.com']);
    expect(warnings).toEqual(["Gateway demo/gw server http (port 8080, HTTP): bind 10.0.0.1 is not supported; served on the gateway's listener"]);
  });

  it('merges the servers of several Gateways; oldest VirtualService first for a shared host, catch-all routes last', () => {
    const other = ingressGateway('other', 'edge', [http(['*'])]);
    const older = virtualService('demo', 'older', { hosts: ['app.example.com'], gateways: ['gw'], http: [{ route: [{ destination: { host: 'app.demo.svc.cluster.local', subset: 'v1' } }] }] }, '2024-01-01T00:00:00Z');
    const newer = virtualService('other', 'newer', { hosts: ['app.example.com'], gateways: ['edge'], http: [{ match: [{ uri: { prefix: '/v2' } }], route: [{ destination: { host: 'app.demo.svc.cluster.local', subset: 'v2' } }] }] }, '2024-01-02T00:00:00Z');
    const r = translate({ gateways: [gw, other], virtualServices: [newer, older] });
    expect(r.virtualHosts.map((v) => [v.virtualHost.name, v.from])).toEqual([['app.example.com:8080', ['demo/older', 'other/newer']]]);
    expect(vhost(r, 'app.example.com')!.routes.map((x) => [x.match, x.route?.cluster])).toEqual([
      [{ prefix: '/v2', case_sensitive: true }, 'outbound|80|v2|app.demo.svc.cluster.local'],
      [{ prefix: '/' }, 'outbound|80|v1|app.demo.svc.cluster.local'],
    ]);
  });
});

describe('ingress gateway: hosts and gateway names', () => {
  it('admits VirtualService hosts by the server hosts: exact, `*`, `*.suffix` either way, the narrower one', () => {
    expect(admittedHosts(['app.example.com'], ['app.example.com', 'other.example.com'])).toEqual(['app.example.com']);
    expect(admittedHosts(['*'], ['app.example.com', 'b.example.com'])).toEqual(['app.example.com', 'b.example.com']);
    expect(admittedHosts(['*.example.com'], ['app.example.com', 'app.example.org', '*.example.com'])).toEqual(['app.example.com', '*.example.com']);
    expect(admittedHosts(['a.example.com', 'b.example.com'], ['*.example.com'])).toEqual(['a.example.com', 'b.example.com']);
    expect(admittedHosts(['a.example.com'], ['b.example.com'])).toEqual([]);
  });

  it('reads `ns/host` server hosts: the VirtualService\'s namespace, `*`, `.` (the Gateway\'s own); plain hosts for all', () => {
    const server = { gateway: 'edge/gw', gatewayNamespace: 'edge', port: 80, hosts: ['demo/a.example.com', '*/b.example.com', './c.example.com', 'd.example.com', 'other/e.example.com'] };
    expect(serverHostsFor(server, 'demo')).toEqual(['a.example.com', 'b.example.com', 'd.example.com']);
    expect(serverHostsFor(server, 'edge')).toEqual(['b.example.com', 'c.example.com', 'd.example.com']);
  });

  it('serves `ns/host` servers to VirtualServices of that namespace only', () => {
    const gw = ingressGateway('edge', 'gw', [http(['demo/*.example.com'])]);
    const fromDemo = toSubset('demo', 'app', ['app.example.com'], ['edge/gw']);
    const fromOther = toSubset('other', 'app', ['other.example.com'], ['edge/gw']);
    expect(hosts(translate({ gateways: [gw], virtualServices: [fromDemo, fromOther] }))).toEqual(['app.example.com']);
  });

  it('resolves gateway names as istiod: short and `./` in the VirtualService\'s namespace, `ns/name`, legacy FQDN; `mesh` as is', () => {
    expect(resolveGatewayName('gw', 'demo')).toBe('demo/gw');
    expect(resolveGatewayName('./gw', 'demo')).toBe('demo/gw');
    expect(resolveGatewayName('edge/gw', 'demo')).toBe('edge/gw');
    expect(resolveGatewayName('gw.edge.svc.cluster.local', 'demo')).toBe('edge/gw');
    expect(resolveGatewayName('mesh', 'demo')).toBe('mesh');
  });

  it('binds a VirtualService by its `gateways` only: not without them, not by `mesh`, not to a Gateway of that name elsewhere', () => {
    const gw = ingressGateway('demo', 'gw', [http(['*'])]);
    const bound = (vsNs: string, gateways: string[], exportTo?: string[]) =>
      hosts(translate({ gateways: [gw], virtualServices: [virtualService(vsNs, 'app', { hosts: ['app.example.com'], gateways, ...(exportTo ? { exportTo } : {}), http: [{ route: [{ destination: { host: 'app.demo.svc.cluster.local' } }] }] })] }));
    expect(bound('demo', ['gw'])).toEqual(['app.example.com']);
    expect(bound('other', ['demo/gw'])).toEqual(['app.example.com']);
    expect(bound('demo', ['mesh', 'gw'])).toEqual(['app.example.com']);
    expect(bound('demo', [])).toEqual([]);
    expect(bound('demo', ['mesh'])).toEqual([]);
    expect(bound('other', ['gw'])).toEqual([]);
    // Not exported to the gateway's namespace (istio-system).
    expect(bound('demo', ['gw'], ['.'])).toEqual([]);
  });

  it('resolves short VirtualService hosts in their namespace: a service name is a host the server must admit', () => {
    const gw = ingressGateway('demo', 'gw', [http(['*.svc.cluster.local'])]);
    const r = translate({ gateways: [gw], virtualServices: [toSubset('demo', 'app', ['app'], ['gw'])] });
    expect(hosts(r)).toEqual(['app.demo.svc.cluster.local']);
  });
});

describe('ingress gateway: routes and clusters', () => {
  const gw = ingressGateway('demo', 'gw', [http(['app.example.com'])]);
  const rules = (http: NonNullable<IVirtualService['spec']>['http']) => virtualService('demo', 'app', { hosts: ['app.example.com'], gateways: ['gw', 'mesh'], http });

  it("translates rules as for a sidecar, skipping matches for other gateways: mesh-only matches do not apply here", () => {
    const r = translate({
      gateways: [gw],
      virtualServices: [rules([
        { match: [{ gateways: ['mesh'], headers: { 'user-group': { exact: 'beta' } } }], route: [{ destination: { host: 'app', subset: 'v2' } }] },
        { match: [{ gateways: ['gw'], headers: { 'user-group': { exact: 'beta' } } }], route: [{ destination: { host: 'app', subset: 'v2' } }], timeout: '2s' },
        { route: [{ destination: { host: 'app', subset: 'v1' }, weight: 90 }, { destination: { host: 'app', subset: 'v2' }, weight: 10 }], fault: { abort: { httpStatus: 503, percentage: { value: 10 } } } },
      ])],
    });
    const routes = vhost(r, 'app.example.com')!.routes;
    expect(routes).toHaveLength(2);
    expect(routes[0]).toMatchObject({
      match: { prefix: '/', headers: [{ name: 'user-group', string_match: { exact: 'beta' } }] },
      route: { cluster: 'outbound|80|v2|app.demo.svc.cluster.local', timeout: '2s' },
    });
    expect(routes[1]!.route!.weighted_clusters!.clusters.map((c) => [c.name, c.weight])).toEqual([
      ['outbound|80|v1|app.demo.svc.cluster.local', 90], ['outbound|80|v2|app.demo.svc.cluster.local', 10],
    ]);
    expect(routes[1]!.typed_per_filter_config?.['envoy.filters.http.fault']).toMatchObject({ abort: { http_status: 503, percentage: { numerator: 100_000, denominator: 'MILLION' } } });
  });

  it('leaves out a VirtualService none of whose rules applies at the gateway, and says so', () => {
    const warnings: string[] = [];
    const r = translate({ gateways: [gw], virtualServices: [rules([{ match: [{ gateways: ['mesh'] }], route: [{ destination: { host: 'app' } }] }])] }, {}, warnings);
    expect(r).toEqual({ virtualHosts: [], clusters: [] });
    expect(warnings).toEqual(['VirtualService demo/app: no HTTP route of it applies at Gateway demo/gw port 8080; left out there']);
  });

  it('builds the clusters the routes use, with auto mTLS holding the gateway\'s own certificate and secure naming', () => {
    const r = translate({ gateways: [gw], virtualServices: [rules([{ route: [{ destination: { host: 'app', subset: 'v1' } }], mirror: { host: 'app', subset: 'v2' } }])] });
    expect(r.clusters.map((c) => c.name)).toEqual(['outbound|80|v1|app.demo.svc.cluster.local', 'outbound|80|v2|app.demo.svc.cluster.local']);
    const c = r.clusters[0] as EnvoyCluster;
    expect(c.load_assignment.endpoints[0]!.lb_endpoints).toEqual([{
      endpoint: { address: { socket_address: { address: '127.40.2.1', port_value: 8080 } } },
      metadata: { filter_metadata: { 'envoy.transport_socket_match': { tlsMode: 'istio' } } },
    }]);
    const [istio, plain] = c.transport_socket_matches as { match: object; transport_socket: { typed_config: Record<string, unknown> } }[];
    expect(istio!.match).toEqual({ tlsMode: 'istio' });
    expect(plain!.match).toEqual({});
    expect(istio!.transport_socket.typed_config).toMatchObject({
      sni: 'outbound_.80_.v1_.app.demo.svc.cluster.local',
      common_tls_context: {
        tls_certificate_sds_secret_configs: [{ name: 'default', sds_config: { path_config_source: { path: files.certSecret } } }],
        combined_validation_context: {
          default_validation_context: { match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: 'spiffe://cluster.local/ns/demo/sa/app' } }] },
          validation_context_sds_secret_config: { name: 'ROOTCA', sds_config: { path_config_source: { path: files.rootSecret } } },
        },
      },
    });
    // The plain v2 pod gets no tlsMode metadata: plaintext to it.
    expect((r.clusters[1] as EnvoyCluster).load_assignment.endpoints[0]!.lb_endpoints).toEqual([{ endpoint: { address: { socket_address: { address: '127.40.2.2', port_value: 8080 } } } }]);
  });

  it('marks a meshed endpoint under PeerAuthentication DISABLE plaintext, as istiod does', () => {
    const disable: IPeerAuthentication = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { namespace: 'demo', name: 'off' }, spec: { mtls: { mode: 'DISABLE' } } };
    const r = translate({ gateways: [gw], peerAuthentications: [disable], virtualServices: [rules([{ route: [{ destination: { host: 'app', subset: 'v1' } }] }])] });
    expect((r.clusters[0] as EnvoyCluster).load_assignment.endpoints[0]!.lb_endpoints[0]).not.toHaveProperty('metadata');
  });

  it('serves nothing under the gateway-ignores-virtualservices mutant', () => {
    const vs = rules([{ route: [{ destination: { host: 'app', subset: 'v1' } }] }]);
    expect(translate({ gateways: [gw], virtualServices: [vs] }).virtualHosts).toHaveLength(1);
    expect(translate({ gateways: [gw], virtualServices: [vs] }, { gatewayIgnoresVirtualServices: true })).toEqual({ virtualHosts: [], clusters: [] });
  });
});
