import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProbe } from '../../../fixtures/workloads/probe/main.ts';
import { PODS, type InformerSet } from '../controller-runtime/controller.ts';
import { reservePodNetwork, type PodNetwork } from '../kubelet/pod-network.ts';
import { ActiveMutants } from '../mutants/active.ts';
import { startQueueProxy } from '../queue-proxy/queue-proxy.ts';
import { QUEUE_SERVING_PORT, type ActivatorStat, type AutoscalerLink } from '../serving/dataplane.ts';
import { REVISIONS } from '../serving/resources.ts';
import type { KRevision } from '../serving/types.ts';
import { startActivator, type Activator, type InformerSource } from './index.ts';
import { eventually } from '../../../lib/testing/eventually.ts';
import { FakeInformerSet, pod, revision, type FakeInformer } from './testing/fake-informers.ts';

/**
 * The activator with fake informers and a fake autoscaler link; pods are local HTTP servers on their own
 * addresses of a reserved 127.A.0.0/16, port 8012 as a queue-proxy's.
 */
const NS = 'ns';
/** The reference passes its InformerSet: it must be an InformerSource (checked by the compiler). */
void ((s: InformerSet): InformerSource => s);
let network: PodNetwork;
const cleanups: (() => Promise<unknown> | void)[] = [];

beforeAll(() => {
  network = reservePodNetwork();
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  network.close();
});

class FakeAutoscaler implements AutoscalerLink {
  readonly pokes: string[] = [];
  readonly stats: ActivatorStat[] = [];
  private readonly waiters: (() => void)[] = [];
  poke(namespace: string, rev: string): void {
    this.pokes.push(`${namespace}/${rev}`);
    for (const w of this.waiters.splice(0)) w();
  }
  report(stat: ActivatorStat): void {
    this.stats.push(stat);
  }
  /** Resolves at the next poke (or at once if one came already); fails after `ms` (a test that would hang). */
  poked(ms = 30_000): Promise<void> {
    if (this.pokes.length > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no poke within ${ms} ms`)), ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

interface Env {
  activator: Activator;
  base: string;
  autoscaler: FakeAutoscaler;
  revisions: FakeInformer<KRevision>;
  pods: FakeInformer<V1Pod>;
}

async function startEnv(mutants: string[] = []): Promise<Env> {
  const informers = new FakeInformerSet();
  const autoscaler = new FakeAutoscaler();
  const activator = await startActivator({
    informers, host: network.allocate(), port: QUEUE_SERVING_PORT, autoscaler, mutants: new ActiveMutants(mutants), log: () => undefined,
    reportIntervalMs: 100,
  });
  cleanups.push(() => activator.stop());
  return {
    activator, base: `http://${activator.host}:${activator.port}`, autoscaler,
    revisions: informers.get<KRevision>(REVISIONS), pods: informers.get<V1Pod>(PODS),
  };
}

interface FakePod {
  ip: string;
  /** Requests other than probes. */
  seen: IncomingHttpHeaders[];
  /** The activator's probes (`K-Network-Probe: queue`). */
  probes: IncomingHttpHeaders[];
  /**
   * What happened to the pod, in order: `probe 200` / `probe 503` as it answered a probe, `request` as a request
   * arrived, and whatever the test adds (`ready in the API`, ...): order, not time, is what the tests judge.
   */
  log: string[];
  /** Whether a probe passes (200 `queue`); 503 otherwise. */
  probeReady: boolean;
  maxInflight: () => number;
}

/** A stand-in queue-proxy on a pod address: answers after `delayMs` with the pod's IP; probes pass once `probeReady`. */
async function fakePod(delayMs = 0, ip = network.allocate()): Promise<FakePod> {
  const seen: IncomingHttpHeaders[] = [];
  let inflight = 0;
  let max = 0;
  const server: Server = createServer((req, res) => {
    if (req.headers['k-network-probe'] !== undefined) {
      fake.probes.push(req.headers);
      fake.log.push(fake.probeReady ? 'probe 200' : 'probe 503');
      res.writeHead(fake.probeReady ? 200 : 503, { 'content-type': 'text/plain' }).end(fake.probeReady ? 'queue' : '');
      return;
    }
    seen.push(req.headers);
    fake.log.push('request');
    inflight++;
    max = Math.max(max, inflight);
    setTimeout(() => {
      inflight--;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(ip);
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(QUEUE_SERVING_PORT, ip, r));
  cleanups.push(() => new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  }));
  const fake: FakePod = { ip, seen, probes: [], log: [], probeReady: false, maxInflight: () => max };
  return fake;
}

interface Answer {
  status: number;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** A request as the gateway sends it (node:http: fetch cannot set Host). */
function send(env: Env, rev: string, o: { headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${env.base}/path?q=1`, {
      headers: { host: 'hello.ns.example.com', 'knative-serving-revision': rev, 'knative-serving-namespace': NS, ...o.headers },
      timeout: o.timeoutMs ?? 10_000,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: () => Promise.resolve(body), json: () => Promise.resolve(JSON.parse(body)) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer in time')));
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits for an outcome; the bound only ends a test that would otherwise hang. */
const until = <T>(what: string, probe: () => T | undefined) => eventually(what, probe, { timeoutMs: 30_000, intervalMs: 10 });
const pokedFor = (env: Env, rev: string) => until(`a poke for ${rev}`, () => (env.autoscaler.pokes.includes(`${NS}/${rev}`) ? true : undefined));

describe('activator', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv();
  });

  it('answers 404 for a revision it does not know, and without the revision headers', async () => {
    const res = await send(env, 'missing-00001');
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/revision ns\/missing-00001 not found/);
    expect((await fetch(env.base, { signal: AbortSignal.timeout(5000) })).status).toBe(404);
  });

  it('holds a request for a revision at zero, pokes the autoscaler, and sends it on once a pod is ready', async () => {
    env.revisions.set(revision(NS, 'cold-00001'));
    const pending = send(env, 'cold-00001');
    await env.autoscaler.poked();
    expect(env.autoscaler.pokes).toEqual(['ns/cold-00001']);
    expect(env.autoscaler.stats[0]).toEqual({ namespace: NS, revision: 'cold-00001', concurrency: 1, requests: 1 }); // at once
    // The pod exists but is not ready yet: probed, as Knative's activator probes a revision's pods that are
    // not ready yet, and the request still held.
    const p = await fakePod();
    env.pods.set(pod(NS, 'cold-pod', 'cold-00001', { ip: p.ip, ready: false }));
    await until('two probes of the pod', () => (p.probes.length >= 2 ? true : undefined));
    expect(p.seen).toHaveLength(0);
    expect(p.probes[0]).toMatchObject({ 'k-network-probe': 'queue', 'user-agent': 'Knative-Activator-Probe' });
    p.log.push('ready in the API');
    env.pods.set(pod(NS, 'cold-pod', 'cold-00001', { ip: p.ip, ready: true }));
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(p.ip);
    // The request that waited for the pod reached it after the pod became ready, not before.
    expect(p.log.filter((e) => e !== 'probe 503')).toEqual(['ready in the API', 'request']);
    expect(p.seen[0]).toMatchObject({ 'k-proxy-request': 'activator', 'k-original-host': 'hello.ns.example.com', host: `${p.ip}:8012` });
    expect(p.seen[0]).not.toHaveProperty('knative-serving-revision');
    expect(p.seen[0]).not.toHaveProperty('knative-serving-namespace');
  });

  it('sends a held request to a pod whose queue-proxy passes its probe, before Kubernetes says Ready', async () => {
    env.revisions.set(revision(NS, 'probed-00001'));
    const pending = send(env, 'probed-00001');
    const p = await fakePod();
    env.pods.set(pod(NS, 'probed-pod', 'probed-00001', { ip: p.ip, ready: false }));
    await until('a failed probe of the pod', () => (p.log.includes('probe 503') ? true : undefined));
    expect(p.seen).toHaveLength(0);
    p.probeReady = true;
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(p.ip);
    // Never Ready in the API: failed probes, then the probe that passed, then the request, and no probe after it.
    // (How often it probes is the fake-clock test's in throttlers.test.ts.)
    const passed = p.log.indexOf('probe 200');
    expect(new Set(p.log.slice(0, passed))).toEqual(new Set(['probe 503']));
    expect(p.log.slice(passed)).toEqual(['probe 200', 'request']);
    // Ready in the API, then not: probed again before it takes another request.
    env.pods.set(pod(NS, 'probed-pod', 'probed-00001', { ip: p.ip, ready: true }));
    p.probeReady = false;
    const mark = p.log.length;
    env.pods.set(pod(NS, 'probed-pod', 'probed-00001', { ip: p.ip, ready: false }));
    const again = send(env, 'probed-00001');
    await until('a failed probe after the pod turned not ready', () => (p.log.slice(mark).includes('probe 503') ? true : undefined));
    expect(p.seen).toHaveLength(1);
    p.probeReady = true;
    expect((await again).status).toBe(200);
    expect(p.seen).toHaveLength(2);
    const since = p.log.slice(mark);
    expect(new Set(since.slice(0, -2))).toEqual(new Set(['probe 503']));
    expect(since.slice(-2)).toEqual(['probe 200', 'request']);
  });

  it('sends a held request to a pod whose queue-proxy starts listening after the pod has its IP', async () => {
    env.revisions.set(revision(NS, 'early-00001'));
    const pending = send(env, 'early-00001');
    const ip = network.allocate(); // the pod has its IP; its queue-proxy is still starting
    env.pods.set(pod(NS, 'early-pod', 'early-00001', { ip, ready: false }));
    await pokedFor(env, 'early-00001'); // the request is held, the pod probed (refused: nothing listens)
    const p = await fakePod(0, ip);
    p.probeReady = true;
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(ip);
    // How often a refusing pod is probed is the fake-clock test's in throttlers.test.ts.
    expect(p.log.slice(-2)).toEqual(['probe 200', 'request']);
  });

  it('reports per revision every interval, then zeros once, then nothing', async () => {
    const mine = () => env.autoscaler.stats.filter((s) => s.revision === 'cold-00001');
    const idle = (s: ActivatorStat) => s.concurrency === 0 && s.requests === 0;
    await until('a report of zeros for cold-00001', () => (mine().some(idle) ? true : undefined));
    await sleep(350); // several report intervals (100 ms): none may add another
    expect(mine().at(-1)).toEqual({ namespace: NS, revision: 'cold-00001', concurrency: 0, requests: 0 });
    expect(mine().filter(idle)).toHaveLength(1);
  });

  it('keeps each pod at containerConcurrency and balances across the ready pods', async () => {
    env.revisions.set(revision(NS, 'cc1-00001', { containerConcurrency: 1 }));
    const [a, b] = [await fakePod(150), await fakePod(150)];
    env.pods.set(pod(NS, 'cc1-a', 'cc1-00001', { ip: a.ip, ready: true }));
    env.pods.set(pod(NS, 'cc1-b', 'cc1-00001', { ip: b.ip, ready: true }));
    const pokes = env.autoscaler.pokes.length;
    const t0 = Date.now();
    const all = await Promise.all(Array.from({ length: 6 }, () => send(env, 'cc1-00001')));
    expect(all.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3 * 150 - 20); // 6 requests, 2 slots
    expect([a.maxInflight(), b.maxInflight()]).toEqual([1, 1]);
    expect([a.seen.length, b.seen.length]).toEqual([3, 3]);
    expect(env.autoscaler.pokes.length).toBe(pokes); // it had ready pods: no poke
  });

  it('sends a request held for a pod that refuses to another ready pod', async () => {
    env.revisions.set(revision(NS, 'flaky-00001'));
    const dead = network.allocate(); // Ready in the API, nothing listening
    env.pods.set(pod(NS, 'flaky-dead', 'flaky-00001', { ip: dead, ready: true }));
    const pending = send(env, 'flaky-00001');
    await sleep(200);
    const live = await fakePod();
    env.pods.set(pod(NS, 'flaky-dead', 'flaky-00001', { ip: dead, ready: true, terminating: true }));
    env.pods.set(pod(NS, 'flaky-live', 'flaky-00001', { ip: live.ip, ready: true }));
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(live.ip);
  });

  it('answers 504 when no pod is ready within the revision\'s timeoutSeconds, and holds on a request whose revision allows longer', async () => {
    env.revisions.set(revision(NS, 'never-00001', { timeoutSeconds: 1 }));
    env.revisions.set(revision(NS, 'patient-00001', { timeoutSeconds: 600 }));
    let patientAnswered = false;
    const patient = send(env, 'patient-00001', { timeoutMs: 600_000 }).finally(() => (patientAnswered = true));
    await pokedFor(env, 'patient-00001');
    const t0 = Date.now();
    const res = await send(env, 'never-00001');
    expect(res.status).toBe(504);
    expect(await res.text()).toMatch(/activator request timeout/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950); // not before the timeout
    // The 504 is the 1 s revision's own deadline: the request for the 600 s revision, held since before it, still waits...
    expect(patientAnswered).toBe(false);
    // ...and is answered once its revision has a ready pod.
    const p = await fakePod();
    env.pods.set(pod(NS, 'patient-pod', 'patient-00001', { ip: p.ip, ready: true }));
    const ok = await patient;
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe(p.ip);
  });

  it('answers 503 to held requests when their revision is deleted', async () => {
    env.revisions.set(revision(NS, 'doomed-00001'));
    const pending = send(env, 'doomed-00001');
    await pokedFor(env, 'doomed-00001'); // held
    env.revisions.remove('doomed-00001', NS);
    const res = await pending;
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/was deleted/);
  });

  it('cold start through a real queue-proxy in front of the probe (slow start-up)', async () => {
    env.revisions.set(revision(NS, 'real-00001', { containerConcurrency: 1 }));
    const pending = send(env, 'real-00001', { headers: { 'x-forwarded-for': '10.9.8.7' } });
    const ip = network.allocate();
    const probe = startProbe({ HOST: ip, PORT: '8080', STARTUP_DELAY_MS: '300', K_REVISION: 'real-00001' });
    cleanups.push(() => probe.drain());
    const qp = await startQueueProxy(
      { bindAddress: ip, servingPort: 8012, metricsPort: 9090, userPort: 8080, containerConcurrency: 1, revisionTimeoutSeconds: 30,
        namespace: NS, service: 'real', configuration: 'real', revision: 'real-00001', pod: 'real-pod' },
      { log: () => undefined },
    );
    cleanups.push(() => qp.drain());
    // Never Ready in the API: the activator's own probe, held by the queue-proxy until the probe listens, lets it through.
    env.pods.set(pod(NS, 'real-pod', 'real-00001', { ip, ready: false }));
    const res = await pending;
    expect(res.status).toBe(200);
    const body = (await res.json()) as { revision: string; host: string; headers: Record<string, string> };
    expect(body.revision).toBe('real-00001');
    expect(body.host).toBe('hello.ns.example.com'); // K-Original-Host put back by the queue-proxy
    expect(body.headers['k-proxy-request']).toBe('activator');
    expect(body.headers.forwarded).toBe('for=10.9.8.7');
    const metrics = await (await fetch(`http://${ip}:9090/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    expect(metrics).toMatch(/^queue_proxied_operations_per_second\{.*\} [1-9]/m);
  }, 20_000);
});

describe('activator with the no-activator mutant', () => {
  it('answers 503 without holding a request for a revision with no ready pod, and still proxies to ready pods', async () => {
    const env = await startEnv(['no-activator']);
    env.revisions.set(revision(NS, 'zero-00001')); // timeoutSeconds 300 s: a held request would get nothing before the client gives up
    const res = await send(env, 'zero-00001');
    // Answered while the revision has no pod at all: not held for one.
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/requests are not held/);
    expect(env.autoscaler.pokes).toEqual([]);
    const p = await fakePod();
    env.pods.set(pod(NS, 'zero-pod', 'zero-00001', { ip: p.ip, ready: true }));
    expect((await send(env, 'zero-00001')).status).toBe(200);
  });
});

describe('activator stop', () => {
  it('answers the requests it holds with 503 and closes', async () => {
    const env = await startEnv();
    env.revisions.set(revision(NS, 'held-00001'));
    const pending = send(env, 'held-00001');
    await env.autoscaler.poked();
    await env.activator.stop();
    const res = await pending;
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/the activator is stopping/);
  });
});
