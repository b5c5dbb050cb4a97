import { Agent, createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservePodNetwork, type PodNetwork } from '../kubelet/pod-network.ts';
import { ActiveMutants } from '../mutants/active.ts';
import { QUEUE_SERVING_PORT } from '../serving/dataplane.ts';
import type { KRoute } from '../serving/types.ts';
import { startGateway, type Gateway } from './gateway.ts';
import type { KServerlessService } from './inputs.ts';
import { FakeSource } from './testing/fake-source.ts';
import { pod, route, sks } from './testing/objects.ts';
import { tearDownGatewayTest } from './testing/teardown.ts';

// The gateway's mutants in a real Envoy fed by fake informers: split-per-connection pins each connection to
// one revision; drops-on-reconfigure answers 404 for a host while its routes change; strips-forwarded-headers
// keeps the proxy headers from the pods.
const dir = mkdtempSync(join(tmpdir(), 'gauntlet-gateway-mutants-'));
const servers: Server[] = [];
const seen: IncomingHttpHeaders[] = [];
let network: PodNetwork;
let gateway: Gateway | undefined;
const routes = new FakeSource<KRoute>();
const pods = new FakeSource<V1Pod>();
const serverlessServices = new FakeSource<KServerlessService>();
const HOST = 'hello.demo.example.com';
const WINDOW_MS = 400;

function get(agent: Agent | false, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { address } = gateway!;
  return new Promise((resolve, reject) => {
    const req = request({ host: address.host, port: address.port, path: '/', headers: { host: HOST, ...headers }, agent, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out'))).on('error', reject).end();
  });
}

async function answers(n: number, agent: Agent | false): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const { status, body } = await get(agent);
    out.push(status === 200 ? body : `HTTP ${status}`);
  }
  return out;
}

beforeAll(async () => {
  network = reservePodNetwork();
  const a = (n: number) => network.infraAddress(n);
  const revs = [a(11), a(12)];
  await Promise.all(revs.map((ip, i) => new Promise<void>((resolve, reject) => {
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.end(`hello-0000${i + 1}`);
    });
    servers.push(server);
    server.once('error', reject).listen(QUEUE_SERVING_PORT, ip, resolve);
  })));
  routes.set([route('hello', 'demo', [{ revisionName: 'hello-00001', percent: 50 }, { revisionName: 'hello-00002', percent: 50 }])]);
  pods.set(revs.map((ip, i) => pod('demo', `hello-0000${i + 1}`, ip)));
  serverlessServices.set([sks('demo', 'hello-00001', 'Serve'), sks('demo', 'hello-00002', 'Serve')]);
  gateway = await startGateway({
    inputs: { routes, pods, serverlessServices }, address: a(1), port: 8080, activator: { host: a(2), port: 8081 },
    logDir: dir, configDir: join(dir, 'config'), mutants: new ActiveMutants(['split-per-connection', `drops-on-reconfigure=${WINDOW_MS}`, 'strips-forwarded-headers']), log: () => undefined,
  });
}, 30_000);

afterAll(() => tearDownGatewayTest({ gateway, servers, network, dir }), 20_000);

describe('the gateway mutants', () => {
  it('split-per-connection: every request of a keep-alive connection goes to one revision; fresh connections see both', async () => {
    for (let c = 0; c < 4; c++) {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        expect(new Set(await answers(40, agent)).size).toBe(1);
      } finally {
        agent.destroy();
      }
    }
    expect(new Set(await answers(40, false))).toEqual(new Set(['hello-00001', 'hello-00002']));
  });

  it('strips-forwarded-headers: neither Forwarded nor X-Forwarded-For/-Proto reach the pods, sent or not', async () => {
    seen.length = 0;
    await get(false);
    await get(false, { forwarded: 'for=203.0.113.7', 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' });
    expect(seen.map((h) => [h.forwarded, h['x-forwarded-for'], h['x-forwarded-proto']])).toEqual([[undefined, undefined, undefined], [undefined, undefined, undefined]]);
  });

  it('drops-on-reconfigure: a changed split answers 404 for a while, then serves the new one', async () => {
    routes.set([route('hello', 'demo', [{ revisionName: 'hello-00002', percent: 100 }])]);
    const seen: string[] = [];
    const started = Date.now();
    while (Date.now() - started < WINDOW_MS * 3) seen.push(...(await answers(1, false)));
    await gateway!.synced();
    expect(seen).toContain('HTTP 404');
    expect(seen.at(-1)).toBe('hello-00002');
    expect(await answers(20, false)).toEqual(Array(20).fill('hello-00002'));
  });
});
