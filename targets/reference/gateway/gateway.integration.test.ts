import { Agent, createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservePodNetwork, type PodNetwork } from '../kubelet/pod-network.ts';
import { ActiveMutants } from '../mutants/active.ts';
import { ACTIVATOR_HEADERS, QUEUE_SERVING_PORT } from '../serving/dataplane.ts';
import type { KRoute } from '../serving/types.ts';
import { accepts } from './envoy-admin.ts';
import { startGateway, type Gateway } from './gateway.ts';
import type { KServerlessService } from './inputs.ts';
import { FakeSource } from './testing/fake-source.ts';
import { pod, route, sks } from './testing/objects.ts';
import { tearDownGatewayTest } from './testing/teardown.ts';

// A real Envoy fed by fake informers. Everything binds in a /16 of 127.0.0.0/8 reserved like a reference's,
// the "pods" on distinct addresses at the queue-proxy's port, as in production.
const dir = mkdtempSync(join(tmpdir(), 'gauntlet-gateway-it-'));
const servers: Server[] = [];
const activatorSeen: IncomingHttpHeaders[] = [];
const rev1Seen: IncomingHttpHeaders[] = [];
const logs: string[] = [];
let network: PodNetwork;
let gateway: Gateway | undefined;
let ip: { gateway: string; rev1: string; rev2: string; rev3: string; activator: string; client: string };
const routes = new FakeSource<KRoute>();
const pods = new FakeSource<V1Pod>();
const serverlessServices = new FakeSource<KServerlessService>();
const first = route('hello', 'demo', [
  { revisionName: 'hello-00001', percent: 70, tag: 'blue' },
  { revisionName: 'hello-00002', percent: 30, latestRevision: true },
  { revisionName: 'hello-00003', percent: 0, tag: 'cold' },
]);

function serve(host: string, port: number, answer: string, seen?: IncomingHttpHeaders[]): Promise<void> {
  const server = createServer((req, res) => {
    seen?.push(req.headers);
    res.end(answer);
  });
  servers.push(server);
  return new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
}

function get(host: string, agent: Agent | false, extra: { headers?: Record<string, string>; localAddress?: string } = {}): Promise<{ status: number; body: string }> {
  const { address } = gateway!;
  return new Promise((resolve, reject) => {
    const headers = { host, ...extra.headers };
    const req = request({ host: address.host, port: address.port, path: '/', headers, agent, timeout: 5000, ...(extra.localAddress ? { localAddress: extra.localAddress } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`request to ${host} timed out`))).on('error', reject).end();
  });
}

/** `n` requests, `parallel` at a time; the answers' bodies counted. */
async function tally(host: string, n: number, agent: Agent | false, parallel = 16): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next++ < n) {
      const { status, body } = await get(host, agent);
      const key = status === 200 ? body : `HTTP ${status}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }));
  return counts;
}

function envoyProcesses(): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir);
    } catch {
      return false;
    }
  }).map(Number);
}

beforeAll(async () => {
  network = reservePodNetwork(); // the machine-wide lock dir: references and other tests take their own blocks
  const a = (n: number) => network.infraAddress(n);
  ip = { gateway: a(1), activator: a(2), rev1: a(11), rev2: a(12), rev3: a(13), client: a(20) };
  await Promise.all([
    serve(ip.rev1, QUEUE_SERVING_PORT, 'hello-00001', rev1Seen),
    serve(ip.rev2, QUEUE_SERVING_PORT, 'hello-00002'),
    serve(ip.rev3, QUEUE_SERVING_PORT, 'hello-00003'),
    serve(ip.activator, 8081, 'activator', activatorSeen),
  ]);
  routes.set([first]);
  pods.set([pod('demo', 'hello-00001', ip.rev1), pod('demo', 'hello-00002', ip.rev2), pod('demo', 'hello-00003', ip.rev3, false)]);
  serverlessServices.set([sks('demo', 'hello-00001', 'Serve'), sks('demo', 'hello-00002', 'Serve'), sks('demo', 'hello-00003', 'Proxy')]);
  gateway = await startGateway({
    inputs: { routes, pods, serverlessServices }, address: ip.gateway, port: 8080, activator: { host: ip.activator, port: 8081 },
    logDir: dir, configDir: join(dir, 'config'), mutants: new ActiveMutants([]), log: (l) => logs.push(l),
  });
}, 30_000);

afterAll(() => tearDownGatewayTest({ gateway, servers, network, dir }), 20_000);

describe('the Envoy gateway, configured from Routes, Pods and ServerlessServices', () => {
  it('listens where it was asked, once Envoy is ready', () => {
    expect(gateway!.address).toEqual({ host: ip.gateway, port: 8080 });
    expect(logs.find((l) => l.startsWith('envoy ready'))).toBeDefined();
    expect(gateway!.programmed(first)).toBe(true);
  });

  it.each([
    ['a fresh connection per request', false as const],
    ['keep-alive connections', new Agent({ keepAlive: true, maxSockets: 16 })],
  ])('splits 70/30 per request over 2,000 requests on %s (within 3 pp)', async (_name, agent) => {
    const counts = await tally('hello.demo.example.com', 2000, agent);
    if (agent) agent.destroy();
    expect([...counts.keys()].sort()).toEqual(['hello-00001', 'hello-00002']);
    const share = (counts.get('hello-00001') ?? 0) / 2000;
    expect(Math.abs(share - 0.7)).toBeLessThanOrEqual(0.03);
  }, 60_000);

  it('routes a tag host to its revision only', async () => {
    const counts = await tally('blue-hello.demo.example.com:8080', 200, false);
    expect([...counts]).toEqual([['hello-00001', 200]]);
  });

  it('sends a revision without ready pods to the activator, with the revision headers', async () => {
    activatorSeen.length = 0;
    expect(await get('cold-hello.demo.example.com', false)).toEqual({ status: 200, body: 'activator' });
    expect(activatorSeen[0]?.[ACTIVATOR_HEADERS.revision]).toBe('hello-00003');
    expect(activatorSeen[0]?.[ACTIVATOR_HEADERS.namespace]).toBe('demo');
  });

  it("appends the client's own address to X-Forwarded-For, also for a loopback client (Envoy would append its host's)", async () => {
    rev1Seen.length = 0;
    await get('blue-hello.demo.example.com', false, { localAddress: ip.client });
    await get('blue-hello.demo.example.com', false, { localAddress: ip.client, headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(rev1Seen.map((h) => [h['x-forwarded-for'], h['x-forwarded-proto']])).toEqual([[ip.client, 'http'], [`203.0.113.7,${ip.client}`, 'http']]);
  });

  it('answers 404 for an unknown host', async () => {
    expect((await get('nobody.demo.example.com', false)).status).toBe(404);
  });

  it('follows changes on a connection opened before: a revision now served by its pod, a new split; says when programmed', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await get('cold-hello.demo.example.com', agent)).body).toBe('activator');
      pods.set([pod('demo', 'hello-00001', ip.rev1), pod('demo', 'hello-00002', ip.rev2), pod('demo', 'hello-00003', ip.rev3)]);
      serverlessServices.set([sks('demo', 'hello-00001', 'Serve'), sks('demo', 'hello-00002', 'Serve'), sks('demo', 'hello-00003', 'Serve')]);
      await gateway!.synced();
      expect((await get('cold-hello.demo.example.com', agent)).body).toBe('hello-00003');
      const next = route('hello', 'demo', [{ revisionName: 'hello-00003', percent: 100 }]);
      let told = 0;
      gateway!.onSynced(() => told++);
      expect(gateway!.programmed(next)).toBe(false);
      routes.set([next]);
      await gateway!.synced();
      expect(gateway!.programmed(next)).toBe(true);
      expect(gateway!.programmed(first)).toBe(false);
      expect(told).toBe(1);
      expect([...(await tally('hello.demo.example.com', 50, agent, 1))]).toEqual([['hello-00003', 50]]);
      expect((await get('blue-hello.demo.example.com', agent)).status).toBe(404);
    } finally {
      agent.destroy();
    }
    expect(logs.filter((l) => /rejected|did not take/.test(l))).toEqual([]);
  });

  it('leaves no envoy process after stop()', async () => {
    expect(envoyProcesses().length).toBe(1);
    await gateway!.stop();
    expect(envoyProcesses()).toEqual([]);
    expect(await accepts(ip.gateway, 8080)).toBe(false);
  });
});
