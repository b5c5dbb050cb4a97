import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthority, issueCertificate } from '../controlplane/pki.ts';
import { reuseConnections } from './connections.ts';

/** A stand-in API server over TLS that answers every GET with a Namespace and counts its connections. */
let server: Server;
let connections = 0;
let caPem = '';
beforeAll(async () => {
  const ca = await createAuthority('test-ca');
  const cert = await issueCertificate(ca, { commonName: 'api', ipAddresses: ['127.0.0.1'], usage: 'server' });
  caPem = ca.certPem;
  server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }));
  });
  server.on('secureConnection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => {
  server.close(() => r());
  server.closeAllConnections();
}));

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, caData: Buffer.from(caPem).toString('base64') }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return kc;
}

async function connectionsFor(kc: KubeConfig, requests: number): Promise<number> {
  const core = kc.makeApiClient(CoreV1Api);
  const before = connections;
  for (let i = 0; i < requests; i++) expect((await core.readNamespace({ name: 'default' })).metadata?.name).toBe('default');
  return connections - before;
}

describe('reuseConnections', () => {
  it('sends the requests of a KubeConfig over kept-alive connections', async () => {
    // undici's pool may open a second connection while the first one is being released, then reuses both.
    expect(await connectionsFor(reuseConnections(kubeConfig()), 10)).toBeLessThanOrEqual(2);
  });

  it('is needed: client-node alone opens a connection per request', async () => {
    expect(await connectionsFor(kubeConfig(), 3)).toBe(3);
  });
});
