import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCredentials, type ClientCredentials, type ClientIdentity } from './credentials.ts';
import { createAuthority, issueLeaf, loadAuthority, validityFor, type PemCredentials } from '../../lib/x509.ts';

const ID = 'spiffe://cluster.local/ns/demo/sa/client';
let ca: PemCredentials;
let server: Server;
let port: number;

beforeAll(async () => {
  ca = await createAuthority({ subject: 'O=cluster.local' });
  const serving = await issueLeaf(await loadAuthority(ca), { uris: ['spiffe://cluster.local/ns/demo/sa/server'], ...validityFor(60_000) });
  // A server that asks for a client certificate chaining to `ca` and says how its verification went.
  server = createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (s) => {
    s.end(s.authorized ? 'ok' : String(s.authorizationError));
  });
  server.listen(0, '127.77.0.1');
  await once(server, 'listening');
  port = (server.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Connects with the credentials; resolves with the server's verdict on them. */
function handshake(creds?: PemCredentials): Promise<string> {
  return new Promise((resolve) => {
    const socket: TLSSocket = connect({ host: '127.77.0.1', port, ca: ca.certPem, checkServerIdentity: () => undefined, ...(creds ? { cert: creds.certPem, key: creds.keyPem } : {}) });
    let data = '';
    socket.setEncoding('utf8').on('data', (c: string) => (data += c));
    socket.on('end', () => resolve(data));
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

function parsed(c: ClientCredentials): X509Certificate {
  return new X509Certificate(c.certPem);
}

describe('client credentials for fuzzed mesh clients', () => {
  it('a valid certificate: signed by the CA, the SPIFFE id as the only SAN, verified by the server', async () => {
    const c = await clientCredentials({ kind: 'valid', ca, spiffeId: ID });
    const cert = parsed(c);
    expect(cert.subjectAltName).toBe(`URI:${ID}`);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.serialNumber).toBe(c.serial);
    expect(c.spiffeId).toBe(ID);
    expect(await handshake(c)).toBe('ok');
  });

  it('a wrong identity is a valid certificate for another SPIFFE id (refusing it is authorization\'s job)', async () => {
    const c = await clientCredentials({ kind: 'wrong-identity', ca, spiffeId: 'spiffe://cluster.local/ns/demo/sa/intruder' });
    expect(parsed(c).subjectAltName).toBe('URI:spiffe://cluster.local/ns/demo/sa/intruder');
    expect(await handshake(c)).toBe('ok');
  });

  it.each<[string, () => ClientIdentity, RegExp]>([
    ['expired', () => ({ kind: 'expired', ca, spiffeId: ID }), /^CERT_HAS_EXPIRED$/],
    ['self-signed', () => ({ kind: 'self-signed', spiffeId: ID }), /^DEPTH_ZERO_SELF_SIGNED_CERT$/],
    ['from a foreign CA', () => ({ kind: 'foreign-ca', spiffeId: ID }), /^UNABLE_TO_VERIFY_LEAF_SIGNATURE$/],
  ])('%s: fails verification against the mesh CA', async (_name, identity, alert) => {
    const c = await clientCredentials(identity());
    expect(parsed(c).subjectAltName).toBe(`URI:${ID}`);
    expect(await handshake(c)).toMatch(alert);
  });

  it.each<[string, () => ClientIdentity, RegExp]>([
    ['not yet valid', () => ({ kind: 'not-yet-valid', ca, spiffeId: ID }), /^CERT_NOT_YET_VALID$/],
    ['signed by a workload certificate', () => ({ kind: 'leaf-signed', ca, spiffeId: ID }), /^(INVALID_CA|KEYUSAGE_NO_CERTSIGN|UNSPECIFIED)$/],
  ])('%s: signed under the mesh CA, and still fails verification against it', async (_name, identity, alert) => {
    const c = await clientCredentials(identity());
    expect(parsed(c).subjectAltName).toBe(`URI:${ID}`);
    expect(await handshake(c)).toMatch(alert);
  });

  it('without a SPIFFE id, or for server authentication only: verified by the CA, wrong in what they say', async () => {
    const dns = await clientCredentials({ kind: 'no-spiffe-id', ca, dnsName: 'client.demo.svc.cluster.local' });
    expect(parsed(dns).subjectAltName).toBe('DNS:client.demo.svc.cluster.local');
    const bare = await clientCredentials({ kind: 'no-spiffe-id', ca });
    expect(parsed(bare).subjectAltName).toBeUndefined();
    expect(parsed(bare).subject).toBe('CN=gauntlet-client');
    const server = await clientCredentials({ kind: 'server-only', ca, spiffeId: ID });
    expect(parsed(server).keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    for (const c of [dns, bare]) expect(parsed(c).checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  });

  it('expired means notAfter in the past, signed by the given CA', async () => {
    const c = await clientCredentials({ kind: 'expired', ca, spiffeId: ID });
    expect(c.notAfter.getTime()).toBeLessThan(Date.now());
    expect(parsed(c).checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  });

  it('a foreign CA has the mesh root\'s subject but another key, and is handed back', async () => {
    const c = await clientCredentials({ kind: 'foreign-ca', spiffeId: ID });
    const foreign = new X509Certificate(c.issuerPem!);
    expect(foreign.subject).toBe('O=cluster.local');
    expect(parsed(c).verify(foreign.publicKey)).toBe(true);
    expect(parsed(c).verify(new X509Certificate(ca.certPem).publicKey)).toBe(false);
  });

  it('signs with an RSA CA whose key is PKCS#1 PEM, as Istio\'s default root', async () => {
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
    const root = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'O=cluster.local', keys, signingAlgorithm: alg, extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
    });
    const pkcs8 = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
    const pkcs1 = createPrivateKey(pkcs8).export({ type: 'pkcs1', format: 'pem' }) as string;
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    const c = await clientCredentials({ kind: 'valid', ca: { certPem: root.toString('pem'), keyPem: pkcs1 }, spiffeId: ID });
    expect(parsed(c).verify(new X509Certificate(root.toString('pem')).publicKey)).toBe(true);
  });
});
