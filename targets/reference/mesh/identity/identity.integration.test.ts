import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../lib/testing/eventually.ts';
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
// Certificates live 3 s here, but no assertion depends on the machine being fast: the tests wait for events
// (issued, rotated, served, expired) and judge what they are, not when they came. Time bounds only end a test
// that would otherwise hang.
const WAIT_MS = 60_000;
const until = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined) => eventually(what, probe, { timeoutMs: WAIT_MS });
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
      host: ip, port: PORT, path: '/', agent: false, timeout: 10_000,
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
  let last = '';
  await eventually(`envoy for ${pod} serving mTLS`, async () => {
    const answer = await call(ip, client);
    if (!answer.ok) last = answer.code;
    return answer.ok ? true : undefined;
  }, { timeoutMs: WAIT_MS, context: () => `last: ${last}; see ${files.dir}/envoy.log` });
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
}, 2 * WAIT_MS);

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
    // The rotator's event: a new certificate, for the same identity, issued no earlier than half the lifetime.
    const rotated = await until('the rotated certificate', () => s.events[1]);
    expect(rotated).toMatchObject({ generation: 2, spiffeId: first.spiffeId });
    expect(rotated.serial).not.toBe(first.serial);
    expect(rotated.notBefore.getTime()).toBeGreaterThan(first.notBefore.getTime());
    // (Node's timers are precise to a few ms, and may fire that much early.)
    expect(rotated.issuedAt.getTime() - first.issuedAt.getTime()).toBeGreaterThanOrEqual(0.5 * (first.notAfter.getTime() - first.issuedAt.getTime()) - 5);
    // Envoy serves a re-issued certificate (the rotator's latest by then), read from the files it watches.
    const served = await until('Envoy serving a re-issued certificate', async () => {
      const a = await call(s.ip, s.client);
      return a.ok && a.serial !== first.serial ? a : undefined;
    });
    expect(s.events.slice(1).map((e) => e.serial)).toContain(served.serial);
    expect(served.notBefore.getTime()).toBeGreaterThan(first.notBefore.getTime());
    // Once the first certificate has run out, a verifying client still gets through, to a certificate of the rotator's.
    await sleep(Math.max(0, first.notAfter.getTime() + 200 - Date.now()));
    const after = await until('a verifying client served after the first certificate expired', async () => {
      const a = await call(s.ip, s.client);
      return a.ok ? a : undefined;
    });
    expect(after).toMatchObject({ ok: true, body: 'mtls ok' });
    expect(after.serial).not.toBe(first.serial);
    expect(s.events.map((e) => e.serial)).toContain(after.serial);
    expect(await stillRunning(s.proc)).toBe(true);
  }, 3 * WAIT_MS);

  it('with certsNeverRotate keeps serving the first certificate, and verifying clients fail once it expires', async () => {
    const s = await sidecar(3, 'never-rotating', { rotateAtFraction: 0.5, mutants: { certsNeverRotate: true } }, 3000);
    const first = s.events[0]!;
    expect(await call(s.ip, s.client)).toMatchObject({ ok: true, serial: first.serial });
    await sleep(Math.max(0, first.notAfter.getTime() + 300 - Date.now())); // until it has expired
    expect(s.events).toHaveLength(1);
    expect(await call(s.ip, s.client)).toEqual({ ok: false, code: 'CERT_HAS_EXPIRED' });
    expect(await call(s.ip, s.client, false)).toMatchObject({ ok: true, serial: first.serial });
  }, 2 * WAIT_MS);
});

/**
 * A client workload's certificate (its chain) and key from `issuer`: the mesh's CA, or a second one the mesh does
 * not trust. `now` in the past gives one that has expired.
 */
async function clientOf(issuer: MeshCa, validity: { lifetimeMs: number; now?: number }): Promise<PemCredentials> {
  const cert = await issuer.issueWorkload({ namespace: 'demo', serviceAccount: 'client', ...validity });
  return { certPem: cert.certChainPem, keyPem: cert.keyPem };
}
