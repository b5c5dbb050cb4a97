import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import type { IPeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authority, KeyPairPem } from '../../controlplane/pki.ts';
import { waitForHttp } from '../../../../lib/net.ts';
import { reservePodNetwork, type PodNetwork } from '../../kubelet/pod-network.ts';
import { startProcess, type ManagedProcess } from '../../../../lib/process/spawn.ts';
import { requireBinaries } from '../../../../lib/tools/resolve.ts';
import { proxyFiles, type ProxyFiles } from '../layout.ts';
import { spiffeId, type MeshPod, type MeshSnapshot } from '../snapshot.ts';
import { sidecarBootstrap } from './bootstrap.ts';
import { inboundClusters, inboundListeners, type InboundMutants } from './inbound.ts';
import { DiscoveryFile } from '../../envoy/discovery-file.ts';
import { testRoot, workloadCertificate, writeSecrets } from './testing/certs.ts';

// A real Envoy as the sidecar of one pod, configured by hand-written LDS/CDS files from the inbound translation,
// in front of echo servers at the pod's local address. Port 8001 is STRICT (mesh-wide), 8002 PERMISSIVE and
// 8003 DISABLE (port-level), 8004 STRICT and only for alice (AuthorizationPolicy); /admin* is denied everywhere.
const STRICT = 8001, PERMISSIVE = 8002, DISABLE = 8003, ALICE_ONLY = 8004;
const id = (sa: string) => spiffeId('cluster.local', 'demo', sa);

const dir = mkdtempSync(join(tmpdir(), 'gauntlet-mesh-inbound-it-'));
const servers: Server[] = [];
let network: PodNetwork | undefined;
let envoy: ManagedProcess | undefined;
let files: ProxyFiles;
let pod: MeshPod;
let root: Authority;
/** Clients: alice and bob of the mesh, mallory claiming alice's identity with a certificate from another CA. */
const client = new Map<'alice' | 'bob' | 'mallory', KeyPairPem>();
const as = (name: 'alice' | 'bob' | 'mallory') => client.get(name)!;

const peerAuthentications: IPeerAuthentication[] = [
  { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } },
  {
    apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'server', namespace: 'demo' },
    spec: { selector: { matchLabels: { app: 'server' } }, mtls: { mode: 'UNSET' }, portLevelMtls: { [PERMISSIVE]: { mode: 'PERMISSIVE' }, [DISABLE]: { mode: 'DISABLE' } } },
  },
];
const authorizationPolicies: IAuthorizationPolicy[] = [
  { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'deny-admin', namespace: 'demo' }, spec: { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] } },
  { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'open-ports', namespace: 'demo' }, spec: { rules: [{ to: [{ operation: { ports: [STRICT, PERMISSIVE, DISABLE].map(String) } }] }] } },
  {
    apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'alice-only', namespace: 'demo' },
    spec: { selector: { matchLabels: { app: 'server' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/demo/sa/alice'] } }], to: [{ operation: { ports: [String(ALICE_ONLY)] } }] }] },
  },
];

function snapshot(): MeshSnapshot {
  return {
    rootNamespace: 'istio-system', trustDomain: 'cluster.local', pods: [pod], peerAuthentications, authorizationPolicies, virtualServices: [], destinationRules: [], gateways: [],
    services: [{ namespace: 'demo', name: 'server', selector: { app: 'server' }, ports: [{ name: 'http', port: 80, targetPort: ALICE_ONLY }] }],
  };
}

/** Writes the sidecar's LDS and CDS files (`what`: for the error); resolves once Envoy has taken that LDS version and warmed it. */
async function configure(what: string, mutants: InboundMutants = {}): Promise<void> {
  const s = snapshot();
  new DiscoveryFile(files.cds, files.tmpDir).write(inboundClusters(s, pod));
  const version = new DiscoveryFile(files.lds, files.tmpDir).write(inboundListeners(s, pod, files, { mutants }))!;
  if (!envoy) return;
  const deadline = Date.now() + 10_000;
  let stats = '';
  while (Date.now() < deadline) {
    stats = await fetch(`http://${pod.localIP}:15000/stats?filter=listener_manager\\.(lds\\.version_text|total_listeners_warming|lds\\.update_rejected)`).then((r) => r.text());
    if (stats.includes(`lds.version_text: "${version}"`) && /total_listeners_warming: 0\b/.test(stats)) return;
    await sleep(50);
  }
  throw new Error(`Envoy did not take LDS version ${version} (${what}): ${stats}`);
}

interface Reply {
  status: number;
  body: string;
  /** The request headers the application saw (it echoes them). */
  seen?: IncomingHttpHeaders;
  /** The URI SAN of the certificate the sidecar presented. */
  serverIdentity?: string;
}

/** One request on a fresh connection: plaintext, or mTLS with the client's certificate. */
function call(port: number, opts: { path?: string; as?: KeyPairPem; headers?: Record<string, string> } = {}): Promise<Reply> {
  const common = { host: pod.podIP, port, path: opts.path ?? '/', headers: opts.headers ?? {}, agent: false as const, timeout: 5000 };
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => {
        const san = (res.socket as Partial<TLSSocket>).getPeerCertificate?.()?.subjectaltname;
        resolve({
          status: res.statusCode ?? 0, body,
          ...(res.statusCode === 200 ? { seen: (JSON.parse(body) as { headers: IncomingHttpHeaders }).headers } : {}),
          ...(san ? { serverIdentity: san.replace(/^URI:/, '') } : {}),
        });
      });
    };
    const req = opts.as
      ? httpsRequest({ ...common, ca: root.certPem, cert: opts.as.certPem, key: opts.as.keyPem, checkServerIdentity: () => undefined }, onResponse)
      : httpRequest(common, onResponse);
    req.on('timeout', () => req.destroy(new Error('timed out'))).on('error', reject).end();
  });
}

function echo(host: string, port: number): Promise<void> {
  const server = createServer((req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ port, headers: req.headers })));
  servers.push(server);
  return new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
}

beforeAll(async () => {
  const { envoy: envoyPath } = await requireBinaries(['envoy']);
  network = reservePodNetwork();
  pod = {
    namespace: 'demo', name: 'server', labels: { app: 'server' }, serviceAccount: 'server', podIP: network.allocate(), localIP: network.allocate(),
    ready: true, meshed: true, containerPorts: [STRICT, PERMISSIVE, DISABLE],
  };
  files = proxyFiles(dir, pod.namespace, pod.name);
  for (const d of [files.ldsDir, files.cdsDir, files.rdsDir, files.sdsDir, files.tmpDir]) mkdirSync(d, { recursive: true });
  root = await testRoot();
  const foreign = await testRoot('foreign root');
  client.set('alice', await workloadCertificate(root, id('alice')));
  client.set('bob', await workloadCertificate(root, id('bob')));
  client.set('mallory', await workloadCertificate(foreign, id('alice')));
  writeSecrets(files, root, await workloadCertificate(root, id('server')));
  await Promise.all([STRICT, PERMISSIVE, DISABLE, ALICE_ONLY].map((p) => echo(pod.localIP, p)));
  await configure('baseline');
  writeFileSync(files.bootstrap, JSON.stringify(sidecarBootstrap(pod, files)));
  const logFile = join(dir, 'envoy.log');
  envoy = startProcess('envoy', envoyPath!, { args: ['-c', files.bootstrap, '--concurrency', '1', '--disable-hot-restart', '--drain-time-s', '1', '--log-level', 'warning'], logFile });
  await waitForHttp('sidecar', `http://${pod.podIP}:15021/healthz/ready`, (r) => r.status === 200, { timeoutMs: 20_000, exited: envoy.exited, logFile });
}, 60_000);

afterAll(async () => {
  try {
    await envoy?.stop(3000);
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  } finally {
    network?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 20_000);

describe('the sidecar inbound, with a real Envoy', () => {
  it('answers /healthz/ready on podIP:15021 once its configuration is in', async () => {
    expect((await fetch(`http://${pod.podIP}:15021/healthz/ready`)).status).toBe(200);
  });

  it('STRICT refuses a plaintext client and serves an mTLS client, telling the application who called', async () => {
    await expect(call(STRICT)).rejects.toThrow(/ECONNRESET|socket hang up/);
    const r = await call(STRICT, { as: as('alice') });
    expect(r.status).toBe(200);
    expect(r.serverIdentity).toBe(id('server'));
    const xfcc = String(r.seen?.['x-forwarded-client-cert']);
    expect(xfcc).toContain(`By=${id('server')}`);
    expect(xfcc).toMatch(/;Hash=[0-9a-f]{64};/);
    expect(xfcc).toContain(`URI=${id('alice')}`);
  });

  it('PERMISSIVE serves plaintext (dropping a forged XFCC) and mTLS', async () => {
    const plain = await call(PERMISSIVE, { headers: { 'x-forwarded-client-cert': `URI=${id('alice')}` } });
    expect(plain.status).toBe(200);
    expect(plain.seen?.['x-forwarded-client-cert']).toBeUndefined();
    const mtls = await call(PERMISSIVE, { as: as('bob') });
    expect(mtls.status).toBe(200);
    expect(String(mtls.seen?.['x-forwarded-client-cert'])).toContain(`URI=${id('bob')}`);
  });

  it('DISABLE serves plaintext and offers no TLS', async () => {
    expect((await call(DISABLE)).status).toBe(200);
    await expect(call(DISABLE, { as: as('alice') })).rejects.toThrow();
  });

  it('an ALLOW policy for alice lets alice in and gives bob and plaintext Envoy\'s 403', async () => {
    expect((await call(ALICE_ONLY, { as: as('alice') })).status).toBe(200);
    expect(await call(ALICE_ONLY, { as: as('bob') })).toMatchObject({ status: 403, body: 'RBAC: access denied' });
  });

  it('a DENY policy on a path wins over the ALLOW policies', async () => {
    expect(await call(ALICE_ONLY, { as: as('alice'), path: '/admin/users' })).toMatchObject({ status: 403, body: 'RBAC: access denied' });
    expect(await call(PERMISSIVE, { path: '/admin' })).toMatchObject({ status: 403, body: 'RBAC: access denied' });
    expect((await call(PERMISSIVE, { path: '/public/admin' })).status).toBe(200);
  });

  it('refuses a client certificate from a foreign CA, even one claiming an allowed identity', async () => {
    await expect(call(ALICE_ONLY, { as: as('mallory') })).rejects.toThrow();
  });

  describe('each mutant makes its defect observable', () => {
    it('strictAcceptsPlaintext: a STRICT port serves a plaintext client', async () => {
      await configure('strict-accepts-plaintext', { strictAcceptsPlaintext: true });
      expect((await call(STRICT)).status).toBe(200);
    });

    it('permissiveAsStrict: a PERMISSIVE port refuses a plaintext client', async () => {
      await configure('permissive-as-strict', { permissiveAsStrict: true });
      await expect(call(PERMISSIVE)).rejects.toThrow(/ECONNRESET|socket hang up/);
      expect((await call(PERMISSIVE, { as: as('bob') })).status).toBe(200);
    });

    it('identityNotForwarded: the application sees no caller identity', async () => {
      await configure('identity-not-forwarded', { identityNotForwarded: true });
      const r = await call(STRICT, { as: as('alice') });
      expect(r.status).toBe(200);
      expect(r.seen?.['x-forwarded-client-cert']).toBeUndefined();
    });

    it('foreignCaTrusted: a foreign-CA certificate gets in, as the identity it claims', async () => {
      await configure('foreign-ca-trusted', { foreignCaTrusted: true });
      const r = await call(ALICE_ONLY, { as: as('mallory') });
      expect(r.status).toBe(200);
      expect(String(r.seen?.['x-forwarded-client-cert'])).toContain(`URI=${id('alice')}`);
    });

    it('authzIgnored: neither the ALLOW nor the DENY policy is enforced', async () => {
      await configure('authz-ignored', { authzIgnored: true });
      expect((await call(ALICE_ONLY, { as: as('bob') })).status).toBe(200);
      expect((await call(PERMISSIVE, { path: '/admin' })).status).toBe(200);
    });
  });
});
