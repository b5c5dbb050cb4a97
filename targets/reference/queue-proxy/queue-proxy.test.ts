import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProbe, type Probe } from '../../../fixtures/workloads/probe/main.ts';
import { eventually } from '../../../lib/testing/eventually.ts';
import { QUEUE_METRICS } from '../serving/dataplane.ts';
import type { QueueConfig } from './config.ts';
import { startQueueProxy, type QueueProxy } from './queue-proxy.ts';

/** The queue-proxy in process, in front of an in-process probe, on 127.0.0.1 with free ports. */
const HOST = '127.0.0.1';
const logs: string[] = [];
const stops: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

function config(userPort: number, over: Partial<QueueConfig> = {}): QueueConfig {
  return {
    bindAddress: HOST, servingPort: 0, metricsPort: 0, userPort, containerConcurrency: 0, revisionTimeoutSeconds: 30,
    namespace: 'ns', service: 'hello', configuration: 'hello', revision: 'hello-00001', pod: 'pod-a', ...over,
  };
}

async function start(over: Partial<QueueConfig> = {}): Promise<{ qp: QueueProxy; base: string; probe: Probe }> {
  const probe = startProbe({ HOST, PORT: '0', K_REVISION: 'hello-00001' });
  const { port } = await probe.listening;
  const qp = await startQueueProxy(config(port, over), { log: (l) => logs.push(l) });
  stops.push(() => probe.drain(), () => qp.drain());
  return { qp, base: `http://${HOST}:${qp.serving.port}`, probe };
}

/**
 * A user container that answers `GET /hold` only once the test releases it (and anything else at once): a
 * request stays in flight exactly as long as a test needs, whatever the machine's speed.
 */
async function heldUser(): Promise<{ port: number; held(): number; release(): void; maxInflight(): number }> {
  const waiting: (() => void)[] = [];
  let released = false;
  let inflight = 0;
  let max = 0;
  const server = createHttpServer((req, res) => {
    inflight++;
    max = Math.max(max, inflight);
    const answer = () => {
      inflight--;
      res.end('held');
    };
    if (req.url === '/hold' && !released) waiting.push(answer);
    else answer();
  });
  await new Promise<void>((r) => server.listen(0, HOST, r));
  stops.push(() => new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  }));
  return {
    port: (server.address() as { port: number }).port,
    held: () => waiting.length,
    release() {
      released = true;
      for (const w of waiting.splice(0)) w();
    },
    maxInflight: () => max,
  };
}

const get = (url: string, init: RequestInit = {}) => fetch(url, { signal: AbortSignal.timeout(10_000), ...init });
/** Waits for an outcome; the bound only ends a test that would otherwise hang. */
const until = <T>(what: string, probe: () => Promise<T | undefined>) => eventually(what, probe, { timeoutMs: 30_000, intervalMs: 10 });

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, HOST, r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

describe('queue-proxy, in process', () => {
  let cc1: { qp: QueueProxy; base: string };
  beforeAll(async () => {
    cc1 = await start({ containerConcurrency: 1, revisionTimeoutSeconds: 2 });
  });

  it('queues up to 10 x containerConcurrency and refuses the rest with 503 "pending request queue full"', async () => {
    // A clock that stands still: each scrape's window is empty, so /metrics says how many requests are in now.
    const user = await heldUser();
    const qp = await startQueueProxy(config(user.port, { containerConcurrency: 1 }), { log: (l) => logs.push(l), now: () => 0 });
    stops.push(() => qp.drain());
    const base = `http://${HOST}:${qp.serving.port}`;
    const inNow = async () => {
      const text = await (await get(`http://${HOST}:${qp.metrics.port}/metrics`)).text();
      return Number(new RegExp(`^${QUEUE_METRICS.averageConcurrency}\\{.*\\} (\\S+)$`, 'm').exec(text)?.[1]);
    };
    const held = Array.from({ length: 11 }, () => get(`${base}/hold`, { signal: AbortSignal.timeout(60_000) })); // 1 running + 10 queued
    await until('11 requests in the queue-proxy, one of them at the user container', async () =>
      ((await inNow()) === 11 && user.held() === 1 ? true : undefined));
    const refused = await get(`${base}/`);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toBe('pending request queue full\n');
    // Queued requests wait, and go to the user container one at a time: none fails because the limit was reached.
    user.release();
    const answers = await Promise.all(held);
    expect(answers.map((r) => r.status)).toEqual(Array(11).fill(200));
    expect(user.maxInflight()).toBe(1);
  }, 60_000);

  it('gives a slot back when the client goes away, queued or running', async () => {
    const ac = new AbortController();
    const gone = [get(`${cc1.base}/?delay=5000`, { signal: ac.signal }), get(`${cc1.base}/?delay=5000`, { signal: ac.signal })];
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    await Promise.allSettled(gone);
    await new Promise((r) => setTimeout(r, 50));
    const res = await get(`${cc1.base}/`);
    expect(res.status).toBe(200);
  });

  it('answers probe header values other than "queue" with 400, and probes are not traffic', async () => {
    const bad = await get(`${cc1.base}/`, { headers: { 'k-network-probe': 'nope' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/unexpected probe header value: nope/);
    const hash = await get(`${cc1.base}/`, { headers: { 'k-network-probe': 'probe', 'k-network-hash': 'abc' } });
    expect(hash.status).toBe(200);
    expect(hash.headers.get('k-network-hash')).toBe('abc');
    const kubelet = await get(`${cc1.base}/`, { headers: { 'user-agent': 'kube-probe/1.34' } });
    expect(kubelet.status).toBe(400); // a kubelet probe must carry K-Network-Probe: queue, as in Knative
  });

  it('serves /metrics on the metrics port only', async () => {
    const m = await get(`http://${HOST}:${cc1.qp.metrics.port}/metrics`);
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await get(`http://${HOST}:${cc1.qp.metrics.port}/other`)).status).toBe(404);
  });

  it('counts requests from the activator (K-Proxy-Request: activator) as proxied', async () => {
    const { qp, base } = await start();
    await get(`http://${HOST}:${qp.metrics.port}/metrics`);
    await get(`${base}/`, { headers: { 'k-proxy-request': 'activator' } });
    await get(`${base}/`);
    const text = await (await get(`http://${HOST}:${qp.metrics.port}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name}\\{.*\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('queue_proxied_operations_per_second')).toBeGreaterThan(0);
    expect(value('queue_requests_per_second')).toBeGreaterThan(value('queue_proxied_operations_per_second'));
  });

  it('passes status codes, bodies and repeated headers through, with containerConcurrency 0 unlimited', async () => {
    const { base } = await start();
    const all = await Promise.all(Array.from({ length: 20 }, () => get(`${base}/?delay=100&status=201&size=2048`)));
    expect(all.every((r) => r.status === 201)).toBe(true);
    const bodies = await Promise.all(all.map((r) => r.json() as Promise<{ maxInflight: number; padding: string }>));
    expect(Math.max(...bodies.map((b) => b.maxInflight))).toBeGreaterThan(1);
    const post = await get(`${base}/echo`, { method: 'POST', body: 'x'.repeat(100_000) });
    expect(((await post.json()) as { bodyBytes: number }).bodyBytes).toBe(100_000);
  });

  it('answers 502 when the user container refuses, and holds probes while it is not ready', async () => {
    const port = await closedPort();
    const qp = await startQueueProxy(config(port), { log: (l) => logs.push(l) });
    stops.push(() => qp.drain());
    const base = `http://${HOST}:${qp.serving.port}`;
    const res = await get(`${base}/`);
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/ECONNREFUSED/);
    const probe = await get(`${base}/`, { headers: { 'k-network-probe': 'queue' }, signal: AbortSignal.timeout(300) }).catch((e: unknown) => e);
    expect((probe as Error).name).toBe('TimeoutError'); // held while the user container is not up
    await qp.drain();
  });

  it('drains: refuses new connections, finishes what is in flight, closes kept-alive connections as their responses end', async () => {
    // The revision timeout is an hour: the drain ends within this test only if it closes the connection once its
    // response is done, not at the timeout (which would also cut it).
    const user = await heldUser();
    const qp = await startQueueProxy(config(user.port, { revisionTimeoutSeconds: 3600 }), { log: (l) => logs.push(l) });
    stops.push(() => qp.drain());
    const base = `http://${HOST}:${qp.serving.port}`;
    expect((await get(`${base}/`)).status).toBe(200); // leaves an idle kept-alive connection, which drain closes
    const slow = get(`${base}/hold`);
    await until('the slow request at the user container', () => Promise.resolve(user.held() === 1 ? true : undefined));
    const drained = qp.drain();
    await expect(get(`${base}/`, { headers: { 'k-network-probe': 'queue' } })).rejects.toThrow();
    user.release();
    const res = await slow;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    await res.text();
    await drained;
  });
});
