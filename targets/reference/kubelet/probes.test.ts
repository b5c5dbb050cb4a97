import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { V1Container } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOnce, resolvePort, startProber, waitForPorts } from './probes.ts';

let server: Server;
let port: number;
let healthy = true;
const seen: { path: string; headers: Record<string, unknown> }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    res.statusCode = req.url === '/redirect' ? 302 : healthy ? 200 : 503;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const container = (): V1Container => ({ name: 'c', ports: [{ name: 'http', containerPort: port }] });
const waitFor = async (ok: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('probes', () => {
  it('resolves numbers, numeric strings and named ports', () => {
    expect(resolvePort(80, container())).toBe(80);
    expect(resolvePort('81', container())).toBe(81);
    expect(resolvePort('http', container())).toBe(port);
    expect(resolvePort('nope', container())).toBeUndefined();
  });

  it('probes HTTP against the pod IP on a named port with headers, 2xx and 3xx succeed', async () => {
    const probe = { httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X-Probe', value: '1' }] } };
    expect(await probeOnce(probe, container(), '127.0.0.1', 1000)).toEqual({ ok: true });
    expect(seen.at(-1)).toMatchObject({ path: '/healthz', headers: { 'x-probe': '1', 'user-agent': 'kube-probe/1.34' } });
    expect(await probeOnce({ httpGet: { path: '/redirect', port } }, container(), '127.0.0.1', 1000)).toEqual({ ok: true });
    healthy = false;
    expect(await probeOnce(probe, container(), '127.0.0.1', 1000)).toEqual({ ok: false, message: 'HTTP probe failed with statuscode: 503' });
    healthy = true;
  });

  it('fails with a message on refused connections, unknown ports and unsupported kinds', async () => {
    const r = await probeOnce({ httpGet: { path: '/', port: 1 } }, container(), '127.0.0.1', 1000);
    expect(r.ok === false && r.message).toMatch(/^Get "http:\/\/127\.0\.0\.1:1\/": connect ECONNREFUSED/);
    expect(await probeOnce({ tcpSocket: { port: 'nope' } }, container(), '127.0.0.1', 1000)).toMatchObject({ ok: false });
    expect(await probeOnce({ exec: { command: ['true'] } }, container(), '127.0.0.1', 1000)).toEqual({
      ok: false, message: 'exec probes are not supported by the reference kubelet',
    });
  });

  it('probes TCP sockets', async () => {
    expect(await probeOnce({ tcpSocket: { port: 'http' } }, container(), '127.0.0.1', 1000)).toEqual({ ok: true });
    expect(await probeOnce({ tcpSocket: { port: 1 } }, container(), '127.0.0.1', 1000)).toMatchObject({ ok: false });
  });

  it('flips the verdict after successThreshold and failureThreshold in a row', async () => {
    const verdicts: boolean[] = [];
    const prober = startProber({
      probe: { httpGet: { path: '/', port }, successThreshold: 2, failureThreshold: 2 }, container: container(), podIP: '127.0.0.1',
      initial: false, periodMsOverride: 20, onChange: (ok) => verdicts.push(ok),
    });
    try {
      await waitFor(() => verdicts.length === 1);
      expect(verdicts).toEqual([true]);
      healthy = false;
      await waitFor(() => verdicts.length === 2);
      expect(verdicts).toEqual([true, false]);
    } finally {
      healthy = true;
      prober.stop();
    }
  });

  it('waits for declared ports, or is ready at once without any', async () => {
    let ready = false;
    waitForPorts(container(), '127.0.0.1', () => (ready = true));
    await waitFor(() => ready);
    let noPorts = false;
    waitForPorts({ name: 'c' }, '127.0.0.1', () => (noPorts = true));
    await waitFor(() => noPorts);
    let never = false;
    const w = waitForPorts({ name: 'c', ports: [{ containerPort: 1 }] }, '127.0.0.1', () => (never = true));
    await new Promise((r) => setTimeout(r, 300));
    w.stop();
    expect(never).toBe(false);
  });
});
