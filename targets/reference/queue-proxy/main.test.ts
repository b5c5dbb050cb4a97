import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../lib/testing/eventually.ts';
import { QUEUE_METRICS } from '../serving/dataplane.ts';
import { reservePodNetwork, type PodNetwork } from '../kubelet/pod-network.ts';
import { PROBE_MAIN, QUEUE_PROXY_MAIN, podEnv, startChild, type Child } from './testing/processes.ts';

/**
 * The queue-proxy in front of the probe, both as child processes with the environment the kubelet gives a
 * revision pod's containers, on pod addresses of a reserved 127.A.0.0/16.
 */
let network: PodNetwork;
const children: Child[] = [];

beforeAll(() => {
  network = reservePodNetwork(); // the machine-wide lock dir: references and other tests may run alongside
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.allSettled(children.map((c) => c.exited(5000)));
  network.close();
});

interface Pod {
  ip: string;
  user: Child;
  queue: Child;
}

async function startPod(o: { containerConcurrency: number; timeoutSeconds: number; startupDelayMs?: number; queueFirst?: boolean }): Promise<Pod> {
  const ip = network.allocate();
  const pod = `hello-00001-deployment-${ip.split('.').slice(2).join('-')}`;
  const env = podEnv({ ip, pod, ...o });
  const startUser = () => startChild(PROBE_MAIN, pod, env.user);
  const startQueue = () => startChild(QUEUE_PROXY_MAIN, pod, env.queue);
  let user: Child;
  let queue: Child;
  if (o.queueFirst) {
    queue = startQueue();
    children.push(queue);
    await queue.waitFor(/serving on/);
    user = startUser();
    children.push(user);
  } else {
    user = startUser();
    queue = startQueue();
    children.push(user, queue);
    await Promise.all([user.waitFor(/listening on/), queue.waitFor(/serving on/)]);
  }
  return { ip, user, queue };
}

const probeHeaders = { 'k-network-probe': 'queue', 'user-agent': 'kube-probe/1.34' };

async function scrape(ip: string): Promise<Record<string, number>> {
  const res = await fetch(`http://${ip}:9090/metrics`, { signal: AbortSignal.timeout(5000) });
  expect(res.status).toBe(200);
  const values: Record<string, number> = {};
  for (const line of (await res.text()).split('\n')) {
    const m = /^(\w+)\{[^}]*\} (\S+)$/.exec(line);
    if (m) values[m[1]!] = Number(m[2]);
  }
  return values;
}

interface ProbeAnswer {
  maxInflight: number;
  host: string;
  headers: Record<string, string>;
}

describe('queue-proxy in front of the probe, as processes', () => {
  let a: Pod;
  beforeAll(async () => {
    a = await startPod({ containerConcurrency: 1, timeoutSeconds: 30 });
  }, 20_000);

  it('answers K-Network-Probe: queue with 200 "queue" once the user container accepts connections', async () => {
    const res = await fetch(`http://${a.ip}:8012/`, { headers: probeHeaders, signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('queue');
  });

  it('containerConcurrency 1: five concurrent ?delay=200 requests all succeed, one at a time', async () => {
    const t0 = Date.now();
    const all = await Promise.all(
      Array.from({ length: 5 }, () => fetch(`http://${a.ip}:8012/?delay=200`, { signal: AbortSignal.timeout(10_000) })),
    );
    expect(all.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(5 * 200 - 20);
    const after = (await (await fetch(`http://${a.ip}:8080/`, { signal: AbortSignal.timeout(5000) })).json()) as ProbeAnswer;
    expect(after.maxInflight).toBe(1);
  });

  it('restores Host from K-Original-Host, drops the revision headers, shims Forwarded', async () => {
    const res = await fetch(`http://${a.ip}:8012/`, {
      headers: {
        'k-original-host': 'hello.ns.example.com', 'knative-serving-revision': 'hello-00001', 'knative-serving-namespace': 'ns',
        'x-forwarded-for': '10.1.2.3', 'x-forwarded-proto': 'http',
      },
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as ProbeAnswer;
    expect(body.host).toBe('hello.ns.example.com');
    expect(body.headers).not.toHaveProperty('knative-serving-revision');
    expect(body.headers).not.toHaveProperty('k-original-host');
    expect(body.headers.forwarded).toBe('for=10.1.2.3;proto=http');
    expect(body.headers['x-forwarded-for']).toBe('10.1.2.3');
  });

  it('/metrics shows the time-weighted concurrency and the request rate since the previous scrape', async () => {
    await scrape(a.ip); // a fresh window
    // 4 requests of 1 s, one at a time: 4 in flight (1 running, 3 queued) for the first second, then 3, 2, 1. The
    // window's average stays above 2 however late the scrape below comes, up to 5 s after the window began.
    const load = Promise.all(Array.from({ length: 4 }, () => fetch(`http://${a.ip}:8012/?delay=1000`, { signal: AbortSignal.timeout(30_000) })));
    await new Promise((r) => setTimeout(r, 400));
    const during = await scrape(a.ip);
    expect(during[QUEUE_METRICS.averageConcurrency]).toBeGreaterThan(2);
    expect(during[QUEUE_METRICS.requestsPerSecond]).toBeGreaterThan(0);
    expect(during[QUEUE_METRICS.averageProxiedConcurrency]).toBe(0);
    expect(during[QUEUE_METRICS.uptimeSeconds]).toBeGreaterThan(0);
    expect((await load).every((r) => r.status === 200)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    await scrape(a.ip);
    await new Promise((r) => setTimeout(r, 100));
    const idle = await scrape(a.ip);
    expect(idle[QUEUE_METRICS.averageConcurrency]).toBe(0);
    expect(idle[QUEUE_METRICS.requestsPerSecond]).toBe(0);
  }, 30_000);
});

describe('queue-proxy timeouts, cold starts and shutdown, as processes', () => {
  let b: Pod;
  beforeAll(async () => {
    // A 2 s start-up: the first test's early probe comes well within it, however busy the machine.
    b = await startPod({ containerConcurrency: 0, timeoutSeconds: 1, startupDelayMs: 2000, queueFirst: true });
  }, 20_000);

  it('holds a probe while the user container starts and answers it as soon as it listens', async () => {
    const early = await fetch(`http://${b.ip}:8012/`, { headers: probeHeaders, signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect((early as Error).name).toBe('TimeoutError'); // held, not refused: the kubelet's probe timeout ends it
    const res = await fetch(`http://${b.ip}:8012/`, { headers: probeHeaders, signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    expect(b.user.output()).toMatch(/listening on/);
    expect(b.queue.output()).toMatch(/user container .* accepts connections \(\d+ ms after start\)/);
  }, 15_000);

  it('answers 504 once REVISION_TIMEOUT_SECONDS has passed, and 200 to a request within it', async () => {
    const t0 = Date.now();
    const [beyond, within] = await Promise.all([
      fetch(`http://${b.ip}:8012/?delay=3000`, { signal: AbortSignal.timeout(10_000) }),
      fetch(`http://${b.ip}:8012/`, { signal: AbortSignal.timeout(10_000) }),
    ]);
    // The user container answers the slow one with 200 after 3 s: a 504 is the queue-proxy's timeout, cut first.
    expect(beyond.status).toBe(504);
    expect(await beyond.text()).toBe('request timeout\n');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950); // not before the timeout
    expect(within.status).toBe(200);
  });

  it('drains on SIGTERM: finishes the request in flight, accepts no new connection, exits 0', async () => {
    const c = await startPod({ containerConcurrency: 0, timeoutSeconds: 30 });
    // The probe counts every request it gets, the readings included: the request is in once a reading counts it too.
    const count = async () => ((await (await fetch(`http://${c.ip}:8080/`, { signal: AbortSignal.timeout(10_000) })).json()) as { requestCount: number }).requestCount;
    const before = await count();
    const inFlight = fetch(`http://${c.ip}:8012/?delay=2000`, { signal: AbortSignal.timeout(30_000) });
    let readings = 0;
    await eventually('the request at the user container', async () => ((await count()) > before + ++readings ? true : undefined), { timeoutMs: 30_000 });
    // The kubelet signals every container of the pod at once.
    c.queue.kill('SIGTERM');
    c.user.kill('SIGTERM');
    await c.queue.waitFor(/SIGTERM: draining/, 30_000);
    const refused = await fetch(`http://${c.ip}:8012/`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(2000) }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await c.queue.exited(30_000)).toBe(0);
    expect(await c.user.exited(30_000)).toBe(0);
    expect(c.queue.output()).toMatch(/SIGTERM: draining[\s\S]*drained, exiting/);
  }, 60_000);
});
