import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerHealthCheck, isHealthCheck, type HealthState } from './health.ts';

const state: HealthState = { draining: false, userReady: () => Promise.resolve(true) };
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (isHealthCheck(req)) void answerHealthCheck(req, res, state);
    else res.writeHead(299).end('traffic');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const get = (headers: Record<string, string>) => fetch(base, { headers, signal: AbortSignal.timeout(5000) });

describe('health checks', () => {
  it('tells probes from traffic by K-Network-Probe, K-Kubelet-Probe and the probers\' user agents', async () => {
    expect((await get({})).status).toBe(299);
    expect((await get({ 'user-agent': 'curl/8' })).status).toBe(299);
    const probes: Record<string, string>[] = [{ 'k-network-probe': 'queue' }, { 'k-kubelet-probe': 'x' }, { 'user-agent': 'kube-probe/1.34' }, { 'user-agent': 'Knative-Activator-Probe' }];
    for (const h of probes) {
      expect((await get(h)).status).not.toBe(299);
    }
  });

  it('200 "queue" when the user container is ready, 503 when not, 503 "shutting down" while draining', async () => {
    const ok = await get({ 'k-network-probe': 'queue' });
    expect([ok.status, await ok.text()]).toEqual([200, 'queue']);
    state.userReady = () => Promise.resolve(false);
    expect((await get({ 'k-network-probe': 'queue' })).status).toBe(503);
    state.draining = true;
    const draining = await get({ 'k-network-probe': 'queue' });
    expect([draining.status, await draining.text()]).toEqual([503, 'shutting down\n']);
  });
});
