import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProbe, type Probe } from '../../../fixtures/workloads/probe/main.ts';
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

const get = (url: string, init: RequestInit = {}) => fetch(url, { signal: AbortSignal.timeout(10_000), ...init });

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
    const held = Array.from({ length: 11 }, () => get(`${cc1.base}/?delay=300`)); // 1 running + 10 queued
    await new Promise((r) => setTimeout(r, 100));
    const refused = await get(`${cc1.base}/`);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toBe('pending request queue full\n');
    // Queued requests wait; none fails only because the limit was reached. 11 x 300 ms > the 2 s timeout, so
    // the last ones time out in the queue with 504.
    const statuses = (await Promise.all(held)).map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(6);
    expect(statuses.every((s) => s === 200 || s === 504)).toBe(true);
    expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
  }, 15_000);

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

  it('drains: refuses new connections, finishes what is in flight', async () => {
    const { qp, base } = await start();
    expect((await get(`${base}/`)).status).toBe(200); // leaves an idle kept-alive connection, which drain closes
    const slow = get(`${base}/?delay=400`);
    await new Promise((r) => setTimeout(r, 100));
    const drained = qp.drain();
    await expect(get(`${base}/`, { headers: { 'k-network-probe': 'queue' } })).rejects.toThrow();
    const res = await slow;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    await res.text();
    // The client keeps its connection alive; the drain closes it once its response is done, not at the timeout.
    const t0 = Date.now();
    await drained;
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
