import { describe, expect, it } from 'vitest';
import { ActiveMutants } from '../mutants/active.ts';
import { buildGatewayConfig } from './envoy-resources.ts';
import { MeshRoutesChannel, NO_MESH_ROUTES, type MeshRoutes } from './mesh-routes.ts';
import { servedConfig } from './served-config.ts';
import { pod, route, sks } from './testing/objects.ts';

const knative = buildGatewayConfig(
  { routes: [route('hello', 'demo', [{ revisionName: 'hello-00001', percent: 100 }])], pods: [pod('demo', 'hello-00001', '127.30.1.1')], serverlessServices: [sks('demo', 'hello-00001', 'Serve')] },
  { activator: { host: '127.30.0.2', port: 8081 }, podPort: 8012, mutants: new ActiveMutants([]) },
);
const meshHost = (name: string, domains: string[], from = ['demo/app']) => ({ virtualHost: { name, domains, routes: [{ match: { prefix: '/' }, route: { cluster: 'outbound|80||app.demo.svc.cluster.local' } }] }, from });
const mesh: MeshRoutes = {
  virtualHosts: [meshHost('app.example.com:8080', ['app.example.com']), meshHost('hello.demo.example.com:8080', ['hello.demo.example.com'], ['demo/steal'])],
  clusters: [{ name: 'outbound|80||app.demo.svc.cluster.local' }],
};

describe('servedConfig: the mesh\'s routes merged into Knative\'s', () => {
  it('keeps Knative\'s virtual hosts and clusters as they are, adds the mesh\'s, matches hosts without their port', () => {
    const served = servedConfig(knative, NO_MESH_ROUTES, () => undefined);
    expect(served.routeConfiguration).toEqual({ ...knative.routeConfiguration, ignore_port_in_host_matching: true });
    expect(served.clusters).toEqual(knative.clusters);
    expect(served.hosts).toBe(knative.hosts);
    const merged = servedConfig(knative, mesh, () => undefined);
    expect(merged.routeConfiguration.virtual_hosts.slice(0, knative.routeConfiguration.virtual_hosts.length)).toEqual(knative.routeConfiguration.virtual_hosts);
    expect(merged.routeConfiguration.virtual_hosts.map((v) => v.name)).toEqual(['hello.demo.example.com', 'app.example.com:8080']);
    expect(merged.clusters.map((c) => c.name)).toEqual(['demo/hello-00001', 'outbound|80||app.demo.svc.cluster.local']);
  });

  it("leaves a host both claim to the Knative Route, and says so", () => {
    const warnings: string[] = [];
    const merged = servedConfig(knative, mesh, (w) => warnings.push(w));
    expect(merged.routeConfiguration.virtual_hosts.filter((v) => v.domains.includes('hello.demo.example.com')).map((v) => v.name)).toEqual(['hello.demo.example.com']);
    expect(warnings).toEqual(['host hello.demo.example.com is claimed by a Knative Route in namespace demo and by VirtualService demo/steal: the Route is served']);
  });
});

describe('MeshRoutesChannel', () => {
  it('hands the latest routes over and tells of changes only', () => {
    const channel = new MeshRoutesChannel();
    let told = 0;
    channel.onChange(() => told++);
    expect(channel.current()).toEqual(NO_MESH_ROUTES);
    channel.publish({ virtualHosts: [], clusters: [] });
    expect(told).toBe(0);
    channel.publish(mesh);
    channel.publish(JSON.parse(JSON.stringify(mesh)) as MeshRoutes);
    expect(told).toBe(1);
    expect(channel.current()).toBe(mesh);
  });
});
