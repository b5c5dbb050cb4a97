import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLeaf, validityFor, type PemCredentials } from '../../../../lib/x509.ts';
import { requireBinaries } from '../../../../lib/tools/resolve.ts';
import { reservePodNetwork, type PodNetwork } from '../../kubelet/pod-network.ts';
import { startProcess, type ManagedProcess } from '../../../../lib/process/spawn.ts';
import { proxyFiles, type ProxyFiles } from '../layout.ts';
import { createMeshCa, type MeshCa } from './ca.ts';
import { CertificateRotator, type IssuedEvent, type RotatorOptions } from './rotation.ts';
import { rootCaSds, workloadCertificateSds } from '../xds/secrets.ts';

// Real Envoys whose inbound listener requires mutual TLS with the certificates of the SDS files the rotator
// writes, as a sidecar under STRICT PeerAuthentication. Clients are Node TLS clients with fuzzed credentials.
const dir = mkdtempSync(join(tmpdir(), 'gauntlet-identity-it-'));
const envoys: ManagedProcess[] = [];
const rotators: CertificateRotator[] = [];
const PORT = 8443;
const SERVER_ID = 'spiffe://cluster.local/ns/demo/sa/server';
const CLIENT_ID = 'spiffe://cluster.local/ns/demo/sa/client';
const HOUR_MS = 3_600_000;
let envoyPath: string;
let network: PodNetwork;
let ca: MeshCa;
let strict: Awaited<ReturnType<typeof sidecar>>;

function bootstrap(files: ProxyFiles, ip: string): object {
  return {
    node: { id: `sidecar~${ip}~server.demo~demo.svc.cluster.local`, cluster: 'server.demo' },
    static_resources: {
      listeners: [{
        name: `inbound_${PORT}`,
        address: { socket_address: { address: ip, port_value: PORT } },
        filter_chains: [{
          transport_socket: {
            name: 'envoy.transport_sockets.tls',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
              require_client_certificate: true,
              common_tls_context: {
                tls_certificate_sds_secret_configs: [workloadCertificateSds(files)],
                validation_context_sds_secret_config: rootCaSds(files),
              },
            },
          },
          filters: [{
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
              stat_prefix: 'inbound',
              route_config: { virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 200, body: { inline_string: 'mtls ok' } } }] }] },
              http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
            },
          }],
        }],
      }],
    },
  };
}

type Answer =
  | { ok: true; body: string; serial: string; notBefore: Date }
  | { ok: false; code: string };

/**
 * One HTTPS request to the sidecar. `verify`: the client checks the served certificate against the mesh's
 * root and its SPIFFE id, as a sidecar does; otherwise it takes any certificate (to look at it).
 */
function call(ip: string, creds: PemCredentials | undefined, verify = true): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request({
      host: ip, port: PORT, path: '/', agent: false, timeout: 3000,
      ca: ca.trustAnchorsPem, rejectUnauthorized: verify,
      checkServerIdentity: (_host, cert) => (cert.subjectaltname === `URI:${SERVER_ID}` ? undefined : new Error(`served ${cert.subjectaltname}`)),
      ...(creds ? { cert: creds.certPem, key: creds.keyPem } : {}),
    }, (res) => {
      const peer = (res.socket as TLSSocket).getPeerX509Certificate()!;
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ ok: true, body, serial: peer.serialNumber, notBefore: new Date(peer.validFrom) }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, code: e.code ?? e.message }));
    req.end();
  });
}

/** A sidecar's Envoy serving the pod's identity from the rotator's files; resolves once it answers a mesh client. */
async function sidecar(n: number, pod: string, rotatorOpts: Partial<RotatorOptions>, lifetimeMs: number) {
  const ip = network.infraAddress(n);
  const files = proxyFiles(dir, 'demo', pod);
  const events: IssuedEvent[] = [];
  const rotator = new CertificateRotator({ ca, onIssued: (e) => events.push(e), ...rotatorOpts });
  rotators.push(rotator);
  await rotator.register({ namespace: 'demo', pod, serviceAccount: 'server', files, lifetimeMs });
  writeFileSync(files.bootstrap, JSON.stringify(bootstrap(files, ip)));
  const proc = startProcess(`envoy-${pod}`, envoyPath, {
    args: ['-c', files.bootstrap, '--concurrency', '1', '--disable-hot-restart', '--log-level', 'warn'],
    logFile: join(files.dir, 'envoy.log'),
  });
  envoys.push(proc);
  const client = await clientOf(ca, { lifetimeMs: HOUR_MS });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answer = await call(ip, client);
    if (answer.ok) break;
    if (Date.now() > deadline) throw new Error(`envoy for ${pod} not serving mTLS (last: ${answer.code}); see ${files.dir}/envoy.log`);
    await sleep(50);
  }
  return { ip, events, proc, client };
}

function stillRunning(proc: ManagedProcess): Promise<boolean> {
  return Promise.race([proc.exited.then(() => false), sleep(10).then(() => true)]);
}

beforeAll(async () => {
  envoyPath = (await requireBinaries(['envoy'])).envoy!;
  network = reservePodNetwork();
  ca = await createMeshCa({ trustDomain: 'cluster.local' });
  strict = await sidecar(1, 'strict', {}, 3_600_000);
}, 30_000);

afterAll(async () => {
  try {
    for (const r of rotators) r.close();
    await Promise.all(envoys.map((p) => p.stop(2000)));
  } finally {
    network?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 20_000);

describe('workload certificates served by Envoy from the SDS files', () => {
  it('serves the workload certificate of the pod\'s identity, which a mesh client verifies', async () => {
    const workload = await ca.issueWorkload({ namespace: 'demo', serviceAccount: 'client', lifetimeMs: 60_000 });
    const answer = await call(strict.ip, { certPem: workload.certChainPem, keyPem: workload.keyPem });
    expect(answer).toMatchObject({ ok: true, body: 'mtls ok', serial: strict.events[0]!.serial });
  });

  it.each<[string, () => Promise<PemCredentials | undefined>, RegExp]>([
    ['a certificate from a foreign CA', async () => clientOf(await createMeshCa({ trustDomain: 'cluster.local' }), { lifetimeMs: HOUR_MS }), /ALERT_UNKNOWN_CA/],
    ['a self-signed certificate', () => issueLeaf('self-signed', { uris: [CLIENT_ID], ...validityFor(HOUR_MS) }), /ALERT_UNKNOWN_CA/],
    ['an expired certificate from the mesh CA', () => clientOf(ca, { lifetimeMs: HOUR_MS, now: Date.now() - 2 * HOUR_MS }), /ALERT_CERTIFICATE_EXPIRED/],
    ['no certificate', () => Promise.resolve(undefined), /ALERT_CERTIFICATE_REQUIRED|ALERT_HANDSHAKE_FAILURE/],
  ])('refuses a client with %s at the handshake', async (_name, creds, alert) => {
    const answer = await call(strict.ip, await creds());
    expect(answer.ok).toBe(false);
    expect(answer.ok ? '' : answer.code).toMatch(alert);
  });
});

describe.concurrent('rotation', () => {
  it('serves the re-issued certificate without a restart, and mTLS outlives the first certificate', async () => {
    const s = await sidecar(2, 'rotating', { rotateAtFraction: 0.5 }, 3000);
    const first = s.events[0]!;
    expect(await call(s.ip, s.client)).toMatchObject({ ok: true, serial: first.serial });
    const deadline = first.notAfter.getTime();
    let served: Answer | undefined;
    while (Date.now() < deadline) {
      served = await call(s.ip, s.client);
      if (served.ok && served.serial !== first.serial) break;
      await sleep(50);
    }
    // Re-issued at half the lifetime, served before the first certificate ran out.
    expect(s.events.length).toBeGreaterThanOrEqual(2);
    expect(s.events[1]!.issuedAt.getTime() - first.issuedAt.getTime()).toBeGreaterThanOrEqual(1500);
    expect(served).toMatchObject({ ok: true, serial: s.events[1]!.serial });
    expect((served as { notBefore: Date }).notBefore.getTime()).toBeGreaterThan(first.notBefore.getTime());
    await sleep(deadline + 200 - Date.now());
    const after = await call(s.ip, s.client);
    expect(after).toMatchObject({ ok: true, body: 'mtls ok' });
    expect(s.events.map((e) => e.serial)).toContain((after as { serial: string }).serial);
    expect(await stillRunning(s.proc)).toBe(true);
  }, 20_000);

  it('with certsNeverRotate keeps serving the first certificate, and verifying clients fail once it expires', async () => {
    const s = await sidecar(3, 'never-rotating', { rotateAtFraction: 0.5, mutants: { certsNeverRotate: true } }, 3000);
    const first = s.events[0]!;
    expect(await call(s.ip, s.client)).toMatchObject({ ok: true, serial: first.serial });
    await sleep(first.notAfter.getTime() + 300 - Date.now());
    expect(s.events).toHaveLength(1);
    expect(await call(s.ip, s.client)).toEqual({ ok: false, code: 'CERT_HAS_EXPIRED' });
    expect(await call(s.ip, s.client, false)).toMatchObject({ ok: true, serial: first.serial });
  }, 20_000);
});

/**
 * A client workload's certificate (its chain) and key from `issuer`: the mesh's CA, or a second one the mesh does
 * not trust. `now` in the past gives one that has expired.
 */
async function clientOf(issuer: MeshCa, validity: { lifetimeMs: number; now?: number }): Promise<PemCredentials> {
  const cert = await issuer.issueWorkload({ namespace: 'demo', serviceAccount: 'client', ...validity });
  return { certPem: cert.certChainPem, keyPem: cert.keyPem };
}
