import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podLocalAddress, reservePodNetwork, type PodNetwork } from '../../kubelet/pod-network.ts';
import { proxyFiles, SIDECAR_PORTS } from '../layout.ts';
import type { MeshPod, MeshSnapshot } from '../snapshot.ts';
import { eventually } from '../../../../lib/testing/eventually.ts';
import { OUTBOUND_STAT_PREFIX, outboundClusters, outboundListener, outboundRouteConfig, type OutboundMutants } from './outbound.ts';
import { startFileEnvoy, type FileEnvoy } from './testing/outbound-envoy.ts';
import { destinationRule, pod, service, snapshot, virtualService } from './testing/outbound-fixtures.ts';
import { startUpstream, tally, viaProxy, type Reply, type Upstream, type UpstreamMode } from './testing/outbound-upstreams.ts';

// A real Envoy as one pod's sidecar, outbound side only: its listener at podIP:15001 used as an HTTP proxy, the
// LDS/CDS/RDS files from the translation, plain-HTTP "pods" (small Node servers) behind mesh services.
const dir = mkdtempSync(join(tmpdir(), 'gauntlet-mesh-outbound-it-'));
const upstreams = new Map<string, Upstream>();
let network: PodNetwork | undefined;
let envoy: FileEnvoy | undefined;
let client: MeshPod;
let mesh: MeshSnapshot;
let proxy: { host: string; port: number };

const PODS: [name: string, labels: Record<string, string>, mode: UpstreamMode][] = [
  ['reviews-v1', { app: 'reviews', version: 'v1' }, 'ok'], ['reviews-v2', { app: 'reviews', version: 'v2' }, 'ok'],
  ['flaky', { app: 'flaky' }, 'alternate'], ['healthy', { app: 'pair' }, 'ok'], ['broken', { app: 'pair' }, 'fail'],
  ['echo', { app: 'echo' }, 'ok'], ['shadow', { app: 'shadow' }, 'ok'],
];

function meshObjects(pods: MeshPod[]): MeshSnapshot {
  const dest = (host: string, subset?: string) => ({ destination: { host, ...(subset ? { subset } : {}) } });
  const prefix = (p: string) => [{ uri: { prefix: p } }];
  return snapshot({
    pods: [client, ...pods],
    services: [
      service('demo', 'reviews', { app: 'reviews' }), service('demo', 'flaky', { app: 'flaky' }), service('demo', 'pair', { app: 'pair' }),
      service('demo', 'shadow', { app: 'shadow' }), ...['faulty', 'timeouts', 'pool', 'web'].map((n) => service('demo', n, { app: 'echo' })),
    ],
    virtualServices: [
      virtualService('demo', 'reviews', { hosts: ['reviews'], http: [
        { match: [{ headers: { 'user-group': { exact: 'beta' } } }], route: [dest('reviews', 'v2')] },
        { route: [{ ...dest('reviews', 'v1'), weight: 80 }, { ...dest('reviews', 'v2'), weight: 20 }] },
      ] }),
      virtualService('demo', 'flaky', { hosts: ['flaky'], http: [{ route: [dest('flaky')], retries: { attempts: 3, retryOn: '5xx' } }] }),
      virtualService('demo', 'faulty', { hosts: ['faulty'], http: [
        { match: prefix('/abort'), route: [dest('faulty')], fault: { abort: { httpStatus: 503, percentage: { value: 50 } } } },
        { match: prefix('/delay'), route: [dest('faulty')], fault: { delay: { fixedDelay: '400ms', percentage: { value: 100 } } } },
        { route: [dest('faulty')] },
      ] }),
      virtualService('demo', 'timeouts', { hosts: ['timeouts'], http: [
        { match: prefix('/per-try'), route: [dest('timeouts')], retries: { attempts: 1, perTryTimeout: '200ms' } },
        { match: prefix('/route'), route: [dest('timeouts')], timeout: '300ms' },
      ] }),
      virtualService('demo', 'web', { hosts: ['web'], http: [{ route: [dest('web')], mirror: { host: 'shadow' }, mirrorPercentage: { value: 100 } }] }),
    ],
    destinationRules: [
      destinationRule('demo', 'reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }),
      destinationRule('demo', 'pool', { host: 'pool', trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } } } }),
      destinationRule('demo', 'pair', { host: 'pair', trafficPolicy: {
        loadBalancer: { simple: 'ROUND_ROBIN' },
        outlierDetection: { consecutive5xxErrors: 2, interval: '1s', baseEjectionTime: '30s', maxEjectionPercent: 100 },
      } }),
    ],
  });
}

const translate = (mutants: OutboundMutants) => ({ clusters: outboundClusters(mesh, client, { mutants }), routes: outboundRouteConfig(mesh, client, { mutants }) });
const use = (mutants: OutboundMutants = {}) => envoy!.apply(translate(mutants));
const send = (target: string, path = '/', o: Parameters<typeof viaProxy>[3] = {}) => viaProxy(proxy, target, path, o);
const count = (replies: Reply[], pred: (r: Reply) => boolean) => replies.filter(pred).length;
/** The sum of Envoy's counters matching `filter`: what Envoy did, read instead of timing it. */
const counted = async (filter: string) => [...(await envoy!.counters(filter)).values()].reduce((a, b) => a + b, 0);
/** How many times `f` made Envoy count `filter`. */
async function counting<T>(filter: string, f: () => Promise<T>): Promise<[T, number]> {
  const before = await counted(filter);
  const out = await f();
  return [out, (await counted(filter)) - before];
}
const DELAYS_INJECTED = `^http\\.${OUTBOUND_STAT_PREFIX}\\.fault\\.delays_injected$`;
const TIMEOUTS = (kind: 'per_try_timeout' | 'timeout') => `^cluster\\.outbound\\|80\\|\\|timeouts\\.demo\\.svc\\.cluster\\.local\\.upstream_rq_${kind}$`;
async function sequential(n: number, f: () => Promise<Reply>): Promise<Reply[]> {
  const out: Reply[] = [];
  for (let i = 0; i < n; i++) out.push(await f());
  return out;
}

beforeAll(async () => {
  network = reservePodNetwork();
  const podIP = network.allocate();
  client = pod('demo', 'client', podIP, { app: 'client' }, { localIP: podLocalAddress(podIP), meshed: true });
  const pods: MeshPod[] = [];
  for (const [name, labels, mode] of PODS) {
    const p = pod('demo', name, network.allocate(), labels);
    pods.push(p);
    upstreams.set(name, await startUpstream(name, p.podIP, 8080, mode));
  }
  mesh = meshObjects(pods);
  const files = proxyFiles(dir, 'demo', 'client');
  proxy = { host: podIP, port: SIDECAR_PORTS.outbound };
  envoy = await startFileEnvoy({ files, adminHost: client.localIP, listener: outboundListener(client, files), listen: proxy, initial: translate({}) });
}, 30_000);

afterAll(async () => {
  try {
    await envoy?.stop();
    await Promise.all([...upstreams.values()].map((u) => u.close()));
  } finally {
    network?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 20_000);

describe('the outbound sidecar listener as an HTTP proxy, with a real Envoy', () => {
  it('routes by authority: absolute-form URLs and Host headers, short and full names; an unknown host gets 502', async () => {
    await use();
    expect(await send('reviews', '/', { headers: { 'user-group': 'beta' } })).toMatchObject({ status: 200, body: 'reviews-v2' });
    expect(await send('reviews.demo.svc.cluster.local:80', '/', { absolute: true, headers: { 'user-group': 'beta' } })).toMatchObject({ status: 200, body: 'reviews-v2' });
    // An absolute URL's authority wins over the Host header (here the proxy's own address).
    expect(await send('reviews.demo', '/', { absolute: true, headers: { host: `${proxy.host}:${proxy.port}`, 'user-group': 'beta' } })).toMatchObject({ body: 'reviews-v2' });
    expect((await send('nowhere.example', '/', { absolute: true })).status).toBe(502);
  });

  it('sends `user-group: beta` to v2 and splits the rest 80/20 (ignoresHeaderMatch: everything to v2)', async () => {
    await use();
    expect([...await tally(20, 4, () => send('reviews.demo', '/', { headers: { 'user-group': 'beta' } }))]).toEqual([['reviews-v2', 20]]);
    const split = await tally(300, 10, () => send('reviews.demo'));
    expect((split.get('reviews-v1') ?? 0) / 300).toBeGreaterThan(0.7);
    expect((split.get('reviews-v1') ?? 0) / 300).toBeLessThan(0.9);
    await use({ ignoresHeaderMatch: true });
    expect([...await tally(20, 4, () => send('reviews.demo'))]).toEqual([['reviews-v2', 20]]);
  }, 20_000);

  it('aborts about half the requests with 503 at 50% (faultRateOff 25 points: about a quarter)', async () => {
    await use();
    const aborted = (m: Map<string, number>) => (m.get('503') ?? 0) / 200;
    const normal = aborted(await tally(200, 10, () => send('faulty.demo', '/abort')));
    expect(normal).toBeGreaterThan(0.35);
    expect(normal).toBeLessThan(0.65);
    await use({ faultRateOff: 25 });
    const halved = aborted(await tally(200, 10, () => send('faulty.demo', '/abort')));
    expect(halved).toBeGreaterThan(0.12);
    expect(halved).toBeLessThan(0.38);
  }, 20_000);

  it('delays requests by the fixed delay, on the route with the fault only', async () => {
    await use();
    // Envoy's fault filter counts each delay it injects: none for the other route, one for the faulted one.
    const [other, notDelayed] = await counting(DELAYS_INJECTED, () => send('faulty.demo', '/other'));
    expect(other).toMatchObject({ status: 200, body: 'echo' });
    expect(notDelayed).toBe(0);
    const [delayed, delays] = await counting(DELAYS_INJECTED, () => send('faulty.demo', '/delay'));
    expect(delayed).toMatchObject({ status: 200, body: 'echo' });
    expect(delays).toBe(1);
    expect(delayed.ms).toBeGreaterThanOrEqual(390); // not answered before the delay
  });

  it('retries turn a 50%-failing upstream into 200s; retriesIgnored does not', async () => {
    await use();
    expect(count(await sequential(20, () => send('flaky.demo')), (r) => r.status === 200)).toBe(20);
    await use({ retriesIgnored: true });
    expect(count(await sequential(20, () => send('flaky.demo')), (r) => r.status === 503)).toBe(10);
  });

  it('answers 504 after a per-try timeout and after a route timeout (timeoutIgnored: waits for the upstream)', async () => {
    await use();
    // The upstream answers 200 after 1 s: a 504 is Envoy's timeout, and Envoy's counters say which one.
    const [perTry, perTryTimeouts] = await counting(TIMEOUTS('per_try_timeout'), () => send('timeouts.demo', '/per-try?delay=1000'));
    expect(perTry).toMatchObject({ status: 504, body: 'upstream request timeout' });
    expect(perTryTimeouts).toBe(1); // the try, cut at 200 ms (Istio's default retryOn does not retry a timeout)
    const [route, routeTimeouts] = await counting(TIMEOUTS('timeout'), () => send('timeouts.demo', '/route?delay=1000'));
    expect(route).toMatchObject({ status: 504, body: 'upstream request timeout' });
    expect(routeTimeouts).toBe(1);
    expect(route.ms).toBeGreaterThanOrEqual(290); // not before the route timeout (300 ms)
    await use({ timeoutIgnored: true });
    const [waited, noTimeouts] = await counting(TIMEOUTS('timeout'), () => send('timeouts.demo', '/route?delay=1000'));
    expect(waited).toMatchObject({ status: 200, body: 'echo' });
    expect(noTimeouts).toBe(0);
  });

  it('sheds what the connection pool cannot hold with Envoy\'s 503 + x-envoy-overloaded (noOverflowLimit: none shed)', async () => {
    await use();
    const burst = () => Promise.all(Array.from({ length: 6 }, () => send('pool.demo', '/?delay=500')));
    const replies = await burst();
    const shed = replies.filter((r) => r.status === 503);
    expect(shed.length).toBeGreaterThanOrEqual(2);
    expect(shed.every((r) => r.headers['x-envoy-overloaded'] === 'true')).toBe(true);
    expect(count(replies, (r) => r.status === 200)).toBeGreaterThanOrEqual(1);
    await use({ noOverflowLimit: true });
    expect(count(await burst(), (r) => r.status === 200)).toBe(6);
  });

  it('ejects an endpoint after consecutive 5xx so requests go to the healthy one (noEjection: keeps failing)', async () => {
    await use();
    const replies = await sequential(20, () => send('pair.demo'));
    expect(count(replies, (r) => r.status === 500)).toBeLessThanOrEqual(2);
    expect(replies.slice(10).every((r) => r.status === 200 && r.body === 'healthy')).toBe(true);
    await use({ noEjection: true });
    expect(count(await sequential(20, () => send('pair.demo')), (r) => r.status === 500)).toBeGreaterThanOrEqual(8);
  });

  it('mirrors a copy of each request to the mirror service (mirrorIgnored: no copy)', async () => {
    const shadow = upstreams.get('shadow')!;
    await use();
    shadow.seen.length = 0;
    expect(await send('web.demo', '/mirrored')).toMatchObject({ status: 200, body: 'echo' });
    // The copy is sent fire and forget: it may arrive after the answer.
    await eventually('the mirrored copy', () => (shadow.seen.length > 0 ? true : undefined), { timeoutMs: 30_000, intervalMs: 25 });
    expect(shadow.seen.map((s) => [s.url, s.headers.host])).toEqual([['/mirrored', 'web.demo-shadow']]);
    await use({ mirrorIgnored: true });
    shadow.seen.length = 0;
    expect((await send('web.demo', '/not-mirrored')).status).toBe(200);
    await sleep(300);
    expect(shadow.seen).toEqual([]);
  });
});
