import { createServer as createHttpServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { mkdtempSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservePodNetwork, type PodNetwork } from '../kubelet/pod-network.ts';
import { createMeshCa } from '../mesh/identity/ca.ts';
import { CertificateRotator } from '../mesh/identity/rotation.ts';
import { gatewayFiles } from '../mesh/layout.ts';
import { spiffeId, type MeshSnapshot } from '../mesh/snapshot.ts';
import { ingressGatewayRoutes, type GatewayMutants, type IngressGatewayWorkload } from '../mesh/xds/gateway.ts';
import { destinationRule, gateway as istioGateway, pod as meshPod, service, snapshot, virtualService } from '../mesh/xds/testing/outbound-fixtures.ts';
import { ActiveMutants } from '../mutants/active.ts';
import { QUEUE_SERVING_PORT } from '../serving/dataplane.ts';
import type { KRoute } from '../serving/types.ts';
import { startGateway, type Gateway } from './gateway.ts';
import type { KServerlessService } from './inputs.ts';
import { MeshRoutesChannel } from './mesh-routes.ts';
import { GATEWAY, GATEWAY_LABELS } from './publish.ts';
import { FakeSource } from './testing/fake-source.ts';
import { pod, route, sks } from './testing/objects.ts';
import { tearDownGatewayTest } from './testing/teardown.ts';

// The gateway's real Envoy serving a VirtualService bound to a Gateway, beside a Knative Route: the mesh's
// translation (xds/gateway.ts) published through the channel the platform wires, the gateway's certificate issued
// by the mesh's CA and rotator into its SDS files. v1 of the app stands for a meshed pod under STRICT mTLS (a Node
// HTTPS server requiring a client certificate of the mesh, answering with the identity it saw), v2 for a plain one.
const dir = mkdtempSync(join(tmpdir(), 'gauntlet-gateway-mesh-it-'));
const servers: Server[] = [];
const logs: string[] = [];
const workload: IngressGatewayWorkload = { namespace: GATEWAY.namespace, service: GATEWAY.name, labels: { ...GATEWAY_LABELS }, serviceAccount: GATEWAY.serviceAccount };
const files = gatewayFiles(join(dir, 'mesh'), workload.namespace, workload.service);
const channel = new MeshRoutesChannel();
const routes = new FakeSource<KRoute>();
const pods = new FakeSource<V1Pod>();
const serverlessServices = new FakeSource<KServerlessService>();
let network: PodNetwork;
let gateway: Gateway | undefined;
let rotator: CertificateRotator | undefined;
let mesh: MeshSnapshot;

function answer(version: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const san = (req.socket as Partial<TLSSocket>).getPeerCertificate?.()?.subjectaltname;
    res.setHeader('content-type', 'application/json').end(JSON.stringify({ version, peer: san?.replace(/^URI:/, '') ?? null }));
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  servers.push(server);
  return new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
}

function get(host: string, headers: Record<string, string> = {}): Promise<{ status: number; version?: string; peer?: string | null; body: string }> {
  const { address } = gateway!;
  return new Promise((resolve, reject) => {
    const req = request({ host: address.host, port: address.port, path: '/', headers: { host, ...headers }, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => {
        const doc = res.statusCode === 200 && body.startsWith('{') ? (JSON.parse(body) as { version: string; peer: string | null }) : undefined;
        resolve({ status: res.statusCode ?? 0, body, ...(doc ? { version: doc.version, peer: doc.peer } : {}) });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`request to ${host} timed out`))).on('error', reject).end();
  });
}

async function publish(mutants: GatewayMutants = {}): Promise<void> {
  channel.publish(ingressGatewayRoutes(mesh, workload, { files, mutants, warn: (m) => logs.push(`warn: ${m}`) }));
  await gateway?.synced();
}

beforeAll(async () => {
  network = reservePodNetwork();
  const ca = await createMeshCa({ trustDomain: 'cluster.local' });
  rotator = new CertificateRotator({ ca });
  await rotator.register({ namespace: workload.namespace, pod: `${workload.service} (gateway)`, serviceAccount: workload.serviceAccount, files });
  const [v1IP, v2IP, revIP] = [network.allocate(), network.allocate(), network.infraAddress(11)];
  const serverCert = await ca.issueWorkload({ namespace: 'demo', serviceAccount: 'app', lifetimeMs: 3_600_000 });
  await Promise.all([
    listen(createHttpsServer({ cert: serverCert.certChainPem, key: serverCert.keyPem, ca: ca.trustAnchorsPem, requestCert: true, rejectUnauthorized: true }, answer('v1')), v1IP, 8080),
    listen(createHttpServer(answer('v2')), v2IP, 8080),
    listen(createHttpServer((_req, res) => res.end('knative')), revIP, QUEUE_SERVING_PORT),
  ]);
  const gw = istioGateway('demo', 'web', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8080, name: 'http2', protocol: 'HTTP' }, hosts: ['*.example.com'] }] });
  const dest = (subset: string) => ({ destination: { host: 'app', subset } });
  mesh = snapshot({
    pods: [meshPod('demo', 'app-v1', v1IP, { app: 'app', version: 'v1' }, { meshed: true, serviceAccount: 'app' }), meshPod('demo', 'app-v2', v2IP, { app: 'app', version: 'v2' })],
    services: [service('demo', 'app', { app: 'app' }), service(workload.namespace, workload.service, workload.labels, [{ name: 'http2', port: 8080, targetPort: 8080 }])],
    destinationRules: [destinationRule('demo', 'app', { host: 'app', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] })],
    gateways: [gw],
    virtualServices: [virtualService('demo', 'app', {
      hosts: ['app.example.com', 'hello.demo.example.com'], gateways: ['web'],
      http: [
        { match: [{ headers: { 'x-fault': { exact: 'abort' } } }], fault: { abort: { httpStatus: 418, percentage: { value: 100 } } }, route: [dest('v2')] },
        { match: [{ headers: { 'user-group': { exact: 'beta' } } }], route: [dest('v2')] },
        { route: [dest('v1')] },
      ],
    })],
  });
  routes.set([route('hello', 'demo', [{ revisionName: 'hello-00001', percent: 100 }])]);
  pods.set([pod('demo', 'hello-00001', revIP)]);
  serverlessServices.set([sks('demo', 'hello-00001', 'Serve')]);
  await publish();
  gateway = await startGateway({
    inputs: { routes, pods, serverlessServices }, address: network.infraAddress(1), port: 8080, activator: { host: network.infraAddress(2), port: 8081 },
    logDir: dir, configDir: join(dir, 'config'), mutants: new ActiveMutants([]), log: (l) => logs.push(l), meshRoutes: channel,
  });
}, 30_000);

afterAll(async () => {
  rotator?.close();
  await tearDownGatewayTest({ gateway, servers, network, dir });
}, 20_000);

describe('the gateway serving a VirtualService bound to an Istio Gateway, with a real Envoy', () => {
  it('routes by the VirtualService: user-group beta to v2 (plaintext), the rest to v1 over mTLS holding the gateway\'s identity', async () => {
    const beta = await Promise.all(Array.from({ length: 10 }, () => get('app.example.com', { 'user-group': 'beta' })));
    const others = await Promise.all(Array.from({ length: 10 }, () => get('app.example.com:8080')));
    expect(beta.map((r) => [r.status, r.version, r.peer])).toEqual(Array.from({ length: 10 }, () => [200, 'v2', null]));
    const id = spiffeId('cluster.local', workload.namespace, workload.serviceAccount);
    expect(others.map((r) => [r.status, r.version, r.peer])).toEqual(Array.from({ length: 10 }, () => [200, 'v1', id]));
  });

  it("injects a route's fault (the gateway's fault filter is on for that route only)", async () => {
    expect(await get('app.example.com', { 'x-fault': 'abort' })).toMatchObject({ status: 418, body: 'fault filter abort' });
    expect(await get('app.example.com', { 'user-group': 'beta' })).toMatchObject({ status: 200, version: 'v2' });
  });

  it("keeps a host a Knative Route serves to the Route, and logs the conflict once", async () => {
    expect(await get('hello.demo.example.com')).toMatchObject({ status: 200, body: 'knative' });
    expect(logs.filter((l) => l.startsWith('host hello.demo.example.com is claimed by a Knative Route'))).toHaveLength(1);
    expect((await get('nobody.example.org')).status).toBe(404);
  });

  it('answers 404 for the VirtualService\'s hosts under the gateway-ignores-virtualservices mutant, and serves them again after', async () => {
    await publish({ gatewayIgnoresVirtualServices: true });
    expect((await get('app.example.com')).status).toBe(404);
    expect((await get('hello.demo.example.com')).body).toBe('knative');
    await publish();
    expect(await get('app.example.com')).toMatchObject({ status: 200, version: 'v1' });
    expect(logs.filter((l) => /rejected|did not take/.test(l))).toEqual([]);
  });
});
