import { describe, expect, it } from 'vitest';
import type { IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import type { OutboundMutants } from './outbound-options.ts';
import { DEFAULT_RETRY_ON } from './route-policies.ts';
import { outboundRouteConfig } from './routes.ts';
import { pod, service, snapshot, virtualService } from './testing/outbound-fixtures.ts';

const client = pod('demo', 'client', '127.40.1.1', { app: 'client' });
const services = [
  service('demo', 'reviews', { app: 'reviews' }),
  service('other', 'ratings', { app: 'ratings' }, [{ name: 'http', port: 9080, targetPort: 9080 }]),
  service('demo', 'multi', { app: 'multi' }, [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'http-admin', port: 8081, targetPort: 8081 }]),
];

function config(virtualServices: IVirtualService[] = [], mutants: OutboundMutants = {}, warnings: string[] = []) {
  return outboundRouteConfig(snapshot({ services, virtualServices, pods: [client] }), client, { mutants, warn: (w) => warnings.push(w) });
}
const vhost = (c: ReturnType<typeof config>, name: string) => c.virtual_hosts.find((v) => v.name === name)!;
const reviews = (vs: IVirtualService[], mutants: OutboundMutants = {}) => vhost(config(vs, mutants), 'reviews.demo.svc.cluster.local:80').routes;
const reviewsVs = (http: NonNullable<IVirtualService['spec']>['http']) => virtualService('demo', 'reviews', { hosts: ['reviews'], http });

describe('outbound route configuration: virtual hosts', () => {
  it('names every host form of a service port; short names only in the proxy\'s namespace, portless only for port 80', () => {
    const c = config();
    expect(c).toMatchObject({ '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration', name: 'http_proxy', validate_clusters: false });
    expect(vhost(c, 'reviews.demo.svc.cluster.local:80').domains.sort()).toEqual([
      'reviews', 'reviews.demo', 'reviews.demo.svc', 'reviews.demo.svc.cluster.local',
      'reviews.demo.svc.cluster.local:80', 'reviews.demo.svc:80', 'reviews.demo:80', 'reviews:80',
    ]);
    expect(vhost(c, 'ratings.other.svc.cluster.local:9080').domains.sort()).toEqual([
      'ratings.other.svc.cluster.local:9080', 'ratings.other.svc:9080', 'ratings.other:9080',
    ]);
    expect(vhost(c, 'multi.demo.svc.cluster.local:8081').domains).toContain('multi:8081');
    expect(vhost(c, 'multi.demo.svc.cluster.local:8081').domains).not.toContain('multi');
  });

  it('routes a service without a VirtualService to its cluster with Istio\'s default retries and no timeout', () => {
    expect(vhost(config(), 'ratings.other.svc.cluster.local:9080').routes).toEqual([{
      name: 'default', match: { prefix: '/' },
      route: {
        cluster: 'outbound|9080||ratings.other.svc.cluster.local', timeout: '0s', max_grpc_timeout: '0s',
        retry_policy: {
          retry_on: DEFAULT_RETRY_ON, num_retries: 2, host_selection_retry_max_attempts: '5',
          retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' } }],
        },
      },
    }]);
    expect(DEFAULT_RETRY_ON).toBe('connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes');
  });

  it('answers any other host 502 (REGISTRY_ONLY)', () => {
    expect(config().virtual_hosts.at(-1)).toEqual({
      name: 'block_all', domains: ['*'], include_request_attempt_count: true,
      routes: [{ name: 'block_all', match: { prefix: '/' }, direct_response: { status: 502 } }],
    });
  });

  it('applies a VirtualService by short host in its own namespace, only when bound to the mesh and exported to the proxy', () => {
    const toV2 = (ns: string, name: string, extra: object = {}) => virtualService(ns, name, { hosts: ['ratings'], http: [{ route: [{ destination: { host: 'ratings', subset: 'v2' } }] }], ...extra });
    const clusterOf = (vs: IVirtualService) => vhost(config([vs]), 'ratings.other.svc.cluster.local:9080').routes[0]!.route!.cluster;
    expect(clusterOf(toV2('other', 'r'))).toBe('outbound|9080|v2|ratings.other.svc.cluster.local');
    expect(clusterOf(toV2('demo', 'r'))).toBe('outbound|9080||ratings.other.svc.cluster.local'); // names ratings.demo: no such service
    expect(clusterOf(toV2('other', 'r', { gateways: ['istio-system/gw'] }))).toBe('outbound|9080||ratings.other.svc.cluster.local');
    expect(clusterOf(toV2('other', 'r', { gateways: ['mesh', 'istio-system/gw'] }))).toBe('outbound|9080|v2|ratings.other.svc.cluster.local');
    expect(clusterOf(toV2('other', 'r', { exportTo: ['.'] }))).toBe('outbound|9080||ratings.other.svc.cluster.local');
    expect(clusterOf(toV2('other', 'r', { exportTo: ['demo'] }))).toBe('outbound|9080|v2|ratings.other.svc.cluster.local');
  });

  it('prefers the oldest VirtualService naming the host exactly over a wildcard one', () => {
    const wildcard = virtualService('demo', 'all', { hosts: ['*.demo.svc.cluster.local'], http: [{ route: [{ destination: { host: 'reviews', subset: 'w' } }] }] }, '2024-01-01T00:00:00Z');
    const older = virtualService('demo', 'older', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'old' } }] }] }, '2024-01-02T00:00:00Z');
    const newer = virtualService('demo', 'newer', { hosts: ['reviews.demo.svc.cluster.local'], http: [{ route: [{ destination: { host: 'reviews', subset: 'new' } }] }] }, '2024-01-03T00:00:00Z');
    expect(reviews([newer, wildcard, older])[0]!.route!.cluster).toBe('outbound|80|old|reviews.demo.svc.cluster.local');
    expect(vhost(config([wildcard]), 'multi.demo.svc.cluster.local:80').routes[0]!.route!.cluster).toBe('outbound|80|w|reviews.demo.svc.cluster.local');
  });
});

describe('outbound route configuration: VirtualService HTTP rules', () => {
  const beta = reviewsVs([
    { name: 'beta', match: [{ headers: { 'user-group': { exact: 'beta' } }, uri: { prefix: '/api' } }, { method: { exact: 'DELETE' } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
    { route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 80 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 20 }, { destination: { host: 'reviews', subset: 'v3' }, weight: 0 }] },
    { route: [{ destination: { host: 'never' } }] },
  ]);

  it('makes one route per match (OR), all conditions of a match in it (AND), rules in order, nothing after a catch-all', () => {
    const routes = reviews([beta]);
    expect(routes.map((r) => r.match)).toEqual([
      { prefix: '/api', case_sensitive: true, headers: [{ name: 'user-group', string_match: { exact: 'beta' } }] },
      { prefix: '/', case_sensitive: true, headers: [{ name: ':method', string_match: { exact: 'DELETE' } }] },
      { prefix: '/' },
    ]);
    expect(routes[0]!.route!.cluster).toBe('outbound|80|v2|reviews.demo.svc.cluster.local');
    expect(routes[2]!.route!.weighted_clusters).toEqual({ clusters: [
      { name: 'outbound|80|v1|reviews.demo.svc.cluster.local', weight: 80 },
      { name: 'outbound|80|v2|reviews.demo.svc.cluster.local', weight: 20 },
    ] });
  });

  it('translates uri exact/regex, header prefix/regex/presence, withoutHeaders, query parameters, ignoreUriCase', () => {
    const [route] = reviews([reviewsVs([{
      match: [{ uri: { regex: '/v[0-9]+/.*' }, ignoreUriCase: true, headers: { b: { prefix: 'x' }, a: { regex: 'y.*' }, c: {} }, withoutHeaders: { d: { exact: 'no' } }, queryParams: { q: { exact: '1' } } }],
      route: [{ destination: { host: 'reviews' } }],
    }])]);
    expect(route!.match).toEqual({
      safe_regex: { regex: '/v[0-9]+/.*' }, case_sensitive: false,
      headers: [
        { name: 'a', string_match: { safe_regex: { regex: 'y.*' } } }, { name: 'b', string_match: { prefix: 'x' } }, { name: 'c', present_match: true },
        { name: 'd', string_match: { exact: 'no' }, invert_match: true, treat_missing_header_as_empty: true },
      ],
      query_parameters: [{ name: 'q', string_match: { exact: '1' } }],
    });
    expect(reviews([reviewsVs([{ match: [{ uri: { exact: '/x' } }], route: [{ destination: { host: 'reviews' } }] }])])[0]!.match).toMatchObject({ path: '/x' });
  });

  it('skips matches for another port or another source, falling back to the default route when nothing is left', () => {
    const vs = reviewsVs([{ match: [{ port: 8081 }, { sourceLabels: { app: 'other' } }, { gateways: ['gw'] }], route: [{ destination: { host: 'reviews', subset: 'x' } }] }]);
    expect(reviews([vs])).toMatchObject([{ name: 'default', route: { cluster: 'outbound|80||reviews.demo.svc.cluster.local' } }]);
    const mine = reviewsVs([{ match: [{ sourceLabels: { app: 'client' }, sourceNamespace: 'demo' }], route: [{ destination: { host: 'reviews', subset: 'x' } }] }]);
    expect(reviews([mine])[0]!.route!.cluster).toBe('outbound|80|x|reviews.demo.svc.cluster.local');
  });

  it('picks the destination port: named, else the service\'s only one, else the port of the request', () => {
    const vs = virtualService('demo', 'm', { hosts: ['multi'], http: [{ route: [{ destination: { host: 'multi' }, weight: 50 }, { destination: { host: 'ratings.other.svc.cluster.local' }, weight: 30 }, { destination: { host: 'multi', port: { number: 80 } }, weight: 20 }] }] });
    const routes = vhost(config([vs]), 'multi.demo.svc.cluster.local:8081').routes;
    expect(routes[0]!.route!.weighted_clusters!.clusters.map((c) => c.name)).toEqual([
      'outbound|8081||multi.demo.svc.cluster.local', 'outbound|9080||ratings.other.svc.cluster.local', 'outbound|80||multi.demo.svc.cluster.local',
    ]);
  });

  it('translates fault, retries, timeout, mirror, rewrite and header operations', () => {
    const [route] = reviews([reviewsVs([{
      route: [{ destination: { host: 'reviews' }, headers: { request: { set: { 'x-dest': '1' } } } }],
      fault: { delay: { fixedDelay: '500ms', percentage: { value: 10 } }, abort: { httpStatus: 503, percentage: { value: 50 } } },
      retries: { attempts: 3, perTryTimeout: '200ms', retryOn: '5xx,503,gateway-error' },
      timeout: '1.5s',
      mirror: { host: 'ratings.other.svc.cluster.local' }, mirrorPercentage: { value: 25 },
      rewrite: { uri: '/v2' },
      headers: { request: { set: { 'x-b': 'b', 'x-a': 'a', host: 'h.example' }, add: { 'x-c': 'c' }, remove: ['x-gone', ':path'] }, response: { set: { 'x-r': 'r' } } },
    }])]);
    expect(route!.typed_per_filter_config).toEqual({ 'envoy.filters.http.fault': {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
      delay: { fixed_delay: '0.5s', percentage: { numerator: 100_000, denominator: 'MILLION' } },
      abort: { http_status: 503, percentage: { numerator: 500_000, denominator: 'MILLION' } },
    } });
    expect(route!.route).toMatchObject({
      cluster: 'outbound|80||reviews.demo.svc.cluster.local', timeout: '1.5s', max_grpc_timeout: '1.5s', prefix_rewrite: '/v2', host_rewrite_literal: 'h.example',
      retry_policy: { num_retries: 3, per_try_timeout: '0.2s', retry_on: '5xx,gateway-error,retriable-status-codes', retriable_status_codes: [503] },
      request_mirror_policies: [{ cluster: 'outbound|9080||ratings.other.svc.cluster.local', runtime_fraction: { default_value: { numerator: 250_000, denominator: 'MILLION' } }, trace_sampled: false }],
    });
    expect(route!.request_headers_to_add!.map((h) => `${h.header.key}=${h.header.value}/${h.append_action}`)).toEqual([
      'x-a=a/OVERWRITE_IF_EXISTS_OR_ADD', 'x-b=b/OVERWRITE_IF_EXISTS_OR_ADD', 'x-c=c/APPEND_IF_EXISTS_OR_ADD', 'x-dest=1/OVERWRITE_IF_EXISTS_OR_ADD',
    ]);
    expect(route!.request_headers_to_remove).toEqual(['x-gone']);
    expect(route!.response_headers_to_add).toEqual([{ header: { key: 'x-r', value: 'r' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }]);
  });

  it('disables retries with attempts 0, mirrors 100% by default and not at 0%', () => {
    const [route] = reviews([reviewsVs([{ route: [{ destination: { host: 'reviews' } }], retries: { attempts: 0 }, mirror: { host: 'reviews', subset: 'shadow' } }])]);
    expect(route!.route!.retry_policy).toBeUndefined();
    expect(route!.route!.request_mirror_policies![0]!.runtime_fraction.default_value).toEqual({ numerator: 100, denominator: 'HUNDRED' });
    const [none] = reviews([reviewsVs([{ route: [{ destination: { host: 'reviews' } }], mirror: { host: 'reviews' }, mirrorPercentage: { value: 0 } }])]);
    expect(none!.route!.request_mirror_policies).toBeUndefined();
  });

  it('answers directResponse and redirect rules itself; leaves out delegate rules with a warning', () => {
    const warnings: string[] = [];
    const c = config([reviewsVs([
      { match: [{ uri: { prefix: '/teapot' } }], directResponse: { status: 418, body: { string: 'short and stout' } } },
      { match: [{ uri: { prefix: '/old' } }], redirect: { uri: '/new', authority: 'ratings.other', redirectCode: 302 } },
      { match: [{ uri: { prefix: '/d' } }], delegate: { name: 'x' } },
    ])], {}, warnings);
    const routes = vhost(c, 'reviews.demo.svc.cluster.local:80').routes;
    expect(routes.map((r) => r.direct_response ?? r.redirect)).toEqual([
      { status: 418, body: { inline_string: 'short and stout' } },
      { response_code: 'FOUND', host_redirect: 'ratings.other', path_redirect: '/new' },
    ]);
    expect(warnings.join()).toMatch(/delegate/);
  });
});

describe('outbound route mutants', () => {
  const vs = reviewsVs([
    { match: [{ headers: { 'user-group': { exact: 'beta' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
    {
      route: [{ destination: { host: 'reviews', subset: 'v1' } }],
      fault: { delay: { fixedDelay: '1s', percent: 30 }, abort: { httpStatus: 500, percentage: { value: 50 } } },
      retries: { attempts: 5, retryOn: '5xx' }, timeout: '2s', mirror: { host: 'reviews', subset: 'shadow' },
    },
  ]);

  it('ignoresHeaderMatch: the header rule becomes a catch-all and takes all traffic', () => {
    expect(reviews([vs]).length).toBe(2);
    expect(reviews([vs], { ignoresHeaderMatch: true })).toMatchObject([{ match: { prefix: '/' }, route: { cluster: 'outbound|80|v2|reviews.demo.svc.cluster.local' } }]);
  });

  it('faultRateOff lowers every fault percentage by its points, not below 0', () => {
    const fault = (m: OutboundMutants) => reviews([vs], m)[1]!.typed_per_filter_config!['envoy.filters.http.fault'];
    expect(fault({})).toMatchObject({ delay: { percentage: { numerator: 30, denominator: 'HUNDRED' } }, abort: { percentage: { numerator: 500_000 } } });
    expect(fault({ faultRateOff: 4.5 })).toMatchObject({ delay: { percentage: { numerator: 255_000, denominator: 'MILLION' } }, abort: { percentage: { numerator: 455_000 } } });
    expect(fault({ faultRateOff: 40 })).toMatchObject({ delay: { percentage: { numerator: 0 } }, abort: { percentage: { numerator: 100_000 } } });
  });

  it('weightsSkew moves its points of the total from the last destination to the first, exactly', () => {
    const split = reviewsVs([{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 70 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 30 }] }]);
    const weights = (m: OutboundMutants) => reviews([split], m)[0]!.route!.weighted_clusters!.clusters.map((c) => c.weight);
    expect(weights({})).toEqual([70, 30]);
    const skewed = weights({ weightsSkew: 3 });
    expect(skewed.map((w) => w / skewed.reduce((a, b) => a + b, 0))).toEqual([0.73, 0.27]);
    expect(weights({ weightsSkew: 50 })).toEqual([999_900, 100]);
  });

  it('retriesIgnored drops the VirtualService\'s and the default retry policy', () => {
    expect(reviews([vs])[1]!.route!.retry_policy).toMatchObject({ num_retries: 5, retry_on: '5xx' });
    expect(reviews([vs], { retriesIgnored: true })[1]!.route!.retry_policy).toBeUndefined();
    expect(vhost(config([], { retriesIgnored: true }), 'reviews.demo.svc.cluster.local:80').routes[0]!.route!.retry_policy).toBeUndefined();
  });

  it('timeoutIgnored and mirrorIgnored drop the route timeout and the mirror', () => {
    expect(reviews([vs])[1]!.route).toMatchObject({ timeout: '2s', request_mirror_policies: [{ cluster: 'outbound|80|shadow|reviews.demo.svc.cluster.local' }] });
    expect(reviews([vs], { timeoutIgnored: true })[1]!.route!.timeout).toBe('0s');
    expect(reviews([vs], { mirrorIgnored: true })[1]!.route!.request_mirror_policies).toBeUndefined();
  });
});
