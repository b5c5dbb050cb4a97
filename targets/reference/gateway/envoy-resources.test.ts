import { describe, expect, it } from 'vitest';
import { ActiveMutants } from '../mutants/active.ts';
import { ACTIVATOR_HEADERS } from '../serving/dataplane.ts';
import { buildGatewayConfig, FORWARDED_FOR, type GatewayConfig, type GatewayConfigOptions } from './envoy-resources.ts';
import type { GatewaySnapshot } from './inputs.ts';
import { pod, route, sks } from './testing/objects.ts';

const activator = { host: '127.30.0.2', port: 8081 };
const opts = (mutants: string[] = []): GatewayConfigOptions => ({ activator, podPort: 8012, mutants: new ActiveMutants(mutants) });

function vhost(config: GatewayConfig, host: string) {
  return config.routeConfiguration.virtual_hosts.find((v) => v.name === host);
}
function split(config: GatewayConfig, host: string): Record<string, number> {
  const clusters = vhost(config, host)?.routes[0]?.route.weighted_clusters.clusters ?? [];
  return Object.fromEntries(clusters.map((c) => [c.name, c.weight]));
}
function endpoints(config: GatewayConfig, name: string): string[] {
  const c = config.clusters.find((x) => x.name === name);
  return (c?.load_assignment.endpoints[0]?.lb_endpoints ?? []).map((e) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`);
}

const twoWay: GatewaySnapshot = {
  routes: [route('hello', 'demo', [{ revisionName: 'hello-00001', percent: 70, tag: 'blue' }, { revisionName: 'hello-00002', percent: 30, latestRevision: true }])],
  pods: [pod('demo', 'hello-00001', '127.30.1.1'), pod('demo', 'hello-00001', '127.30.1.2'), pod('demo', 'hello-00002', '127.30.1.3')],
  serverlessServices: [sks('demo', 'hello-00001', 'Serve'), sks('demo', 'hello-00002', 'Serve')],
};

describe('buildGatewayConfig', () => {
  it('splits a Route host by weighted clusters carrying the traffic percents, with no route timeout', () => {
    const config = buildGatewayConfig(twoWay, opts());
    expect(split(config, 'hello.demo.example.com')).toEqual({ 'demo/hello-00001': 70, 'demo/hello-00002': 30 });
    const v = vhost(config, 'hello.demo.example.com')!;
    expect(v.domains).toEqual(['hello.demo.example.com', 'hello.demo.example.com:*']);
    expect(v.routes[0]!.route.timeout).toBe('0s');
  });

  it('splits three ways, merging a revision named twice and dropping 0% targets', () => {
    const config = buildGatewayConfig(
      {
        ...twoWay,
        routes: [route('hello', 'demo', [
          { revisionName: 'hello-00001', percent: 40 }, { revisionName: 'hello-00002', percent: 25 },
          { revisionName: 'hello-00003', percent: 25 }, { revisionName: 'hello-00001', percent: 10, tag: 'old' },
          { revisionName: 'hello-00004', percent: 0, tag: 'next' },
        ])],
      },
      opts(),
    );
    expect(split(config, 'hello.demo.example.com')).toEqual({ 'demo/hello-00001': 50, 'demo/hello-00002': 25, 'demo/hello-00003': 25 });
    expect(split(config, 'next-hello.demo.example.com')).toEqual({ 'demo/hello-00004': 100 });
  });

  it('routes a tag host to its revision only', () => {
    expect(split(buildGatewayConfig(twoWay, opts()), 'blue-hello.demo.example.com')).toEqual({ 'demo/hello-00001': 100 });
  });

  it('sends an active revision (SKS Serve, ready pods) to its ready pods on the pod port', () => {
    const config = buildGatewayConfig({ ...twoWay, pods: [...twoWay.pods, pod('demo', 'hello-00002', '127.30.1.9', false)] }, opts());
    expect(endpoints(config, 'demo/hello-00001')).toEqual(['127.30.1.1:8012', '127.30.1.2:8012']);
    expect(endpoints(config, 'demo/hello-00002')).toEqual(['127.30.1.3:8012']);
  });

  it('sends an inactive revision (Proxy, no SKS, or no ready pod) to the activator, with the revision headers', () => {
    const config = buildGatewayConfig(
      {
        routes: [route('a', 'ns', [{ revisionName: 'a-1', percent: 50 }, { revisionName: 'a-2', percent: 30 }, { revisionName: 'a-3', percent: 20 }])],
        pods: [pod('ns', 'a-1', '127.30.1.1'), pod('ns', 'a-3', '127.30.1.3', false)],
        serverlessServices: [sks('ns', 'a-1', 'Proxy'), sks('ns', 'a-3', 'Serve')],
      },
      opts(),
    );
    for (const name of ['ns/a-1', 'ns/a-2', 'ns/a-3']) expect(endpoints(config, name)).toEqual(['127.30.0.2:8081']);
    const entry = vhost(config, 'a.ns.example.com')!.routes[0]!.route.weighted_clusters.clusters.find((c) => c.name === 'ns/a-2')!;
    expect(entry.request_headers_to_add.map((h) => [h.header.key, h.header.value, h.append_action])).toEqual([
      [ACTIVATOR_HEADERS.revision, 'a-2', 'OVERWRITE_IF_EXISTS_OR_ADD'],
      [ACTIVATOR_HEADERS.namespace, 'ns', 'OVERWRITE_IF_EXISTS_OR_ADD'],
    ]);
  });

  it('keeps a cluster for a revision with an SKS but no traffic, and ignores terminating pods', () => {
    const terminating = { ...pod('demo', 'hello-00003', '127.30.1.7'), metadata: { ...pod('demo', 'hello-00003', '127.30.1.7').metadata, deletionTimestamp: new Date() } };
    const config = buildGatewayConfig({ ...twoWay, pods: [...twoWay.pods, terminating], serverlessServices: [...twoWay.serverlessServices, sks('demo', 'hello-00003', 'Serve')] }, opts());
    expect(config.clusters.map((c) => c.name)).toEqual(['demo/hello-00001', 'demo/hello-00002', 'demo/hello-00003']);
    expect(endpoints(config, 'demo/hello-00003')).toEqual(['127.30.0.2:8081']);
  });

  it('serves nothing for a Route without a URL, and a host claimed twice by the first Route in name order', () => {
    const noUrl = { ...route('x', 'demo', [{ revisionName: 'x-1', percent: 100 }]), status: { traffic: [{ revisionName: 'x-1', percent: 100 }] } };
    const clash = route('blue-hello', 'demo', [{ revisionName: 'other-1', percent: 100 }]);
    const config = buildGatewayConfig({ ...twoWay, routes: [noUrl, clash, ...twoWay.routes] }, opts());
    expect(config.routeConfiguration.virtual_hosts.map((v) => v.name)).toEqual(['blue-hello.demo.example.com', 'hello.demo.example.com']);
    expect(split(config, 'blue-hello.demo.example.com')).toEqual({ 'demo/other-1': 100 });
  });

  it('is stable: the same objects in another order give the same configuration', () => {
    const shuffled: GatewaySnapshot = {
      routes: [route('zeta', 'demo', [{ revisionName: 'zeta-1', percent: 100 }]), ...twoWay.routes],
      pods: [...twoWay.pods].reverse(),
      serverlessServices: [...twoWay.serverlessServices].reverse(),
    };
    const ordered: GatewaySnapshot = { ...shuffled, routes: [...shuffled.routes].reverse(), pods: twoWay.pods, serverlessServices: twoWay.serverlessServices };
    expect(JSON.stringify(buildGatewayConfig(shuffled, opts()))).toBe(JSON.stringify(buildGatewayConfig(ordered, opts())));
  });
});

describe('mutants', () => {
  it('strips-forwarded-headers removes the proxy headers on every host and appends no client address', () => {
    expect(buildGatewayConfig(twoWay, opts()).routeConfiguration.request_headers_to_add).toEqual([FORWARDED_FOR]);
    const config = buildGatewayConfig(twoWay, opts(['strips-forwarded-headers']));
    expect(config.routeConfiguration.request_headers_to_add).toBeUndefined();
    for (const v of config.routeConfiguration.virtual_hosts) expect(v.request_headers_to_remove).toEqual(['forwarded', 'x-forwarded-for', 'x-forwarded-proto']);
  });

  it('canary-skew moves the skew to the first target of every split of two or more', () => {
    const config = buildGatewayConfig(twoWay, opts(['canary-skew']));
    expect(split(config, 'hello.demo.example.com')).toEqual({ 'demo/hello-00001': 75, 'demo/hello-00002': 25 });
    expect(split(config, 'blue-hello.demo.example.com')).toEqual({ 'demo/hello-00001': 100 });
  });

  it('canary-skew takes from the other targets in order, keeps the sum at 100 and clamps at 0', () => {
    const three = route('a', 'ns', [{ revisionName: 'a-1', percent: 50 }, { revisionName: 'a-2', percent: 10 }, { revisionName: 'a-3', percent: 40 }]);
    const config = buildGatewayConfig({ routes: [three], pods: [], serverlessServices: [] }, opts(['canary-skew=20']));
    expect(split(config, 'a.ns.example.com')).toEqual({ 'ns/a-1': 70, 'ns/a-3': 30 });
    const nearlyAll = route('b', 'ns', [{ revisionName: 'b-1', percent: 98 }, { revisionName: 'b-2', percent: 2 }]);
    expect(split(buildGatewayConfig({ routes: [nearlyAll], pods: [], serverlessServices: [] }, opts(['canary-skew=5'])), 'b.ns.example.com')).toEqual({ 'ns/b-1': 100 });
  });

  it('tag-routes-to-latest sends tag hosts to the latest revision target (or the last target)', () => {
    const config = buildGatewayConfig(twoWay, opts(['tag-routes-to-latest']));
    expect(split(config, 'blue-hello.demo.example.com')).toEqual({ 'demo/hello-00002': 100 });
    expect(split(config, 'hello.demo.example.com')).toEqual({ 'demo/hello-00001': 70, 'demo/hello-00002': 30 });
    const noLatest = route('c', 'ns', [{ revisionName: 'c-1', percent: 60, tag: 'one' }, { revisionName: 'c-2', percent: 40 }]);
    expect(split(buildGatewayConfig({ routes: [noLatest], pods: [], serverlessServices: [] }, opts(['tag-routes-to-latest'])), 'one-c.ns.example.com')).toEqual({ 'ns/c-2': 100 });
  });
});
