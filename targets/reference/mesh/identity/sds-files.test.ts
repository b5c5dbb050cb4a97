import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { proxyFiles } from '../layout.ts';
import { rootCaSds, workloadCertificateSds } from '../xds/secrets.ts';
import { writeSdsSecrets } from './sds-files.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function files() {
  const dir = mkdtempSync(join(tmpdir(), 'gauntlet-sds-'));
  dirs.push(dir);
  return proxyFiles(dir, 'demo', 'web-1');
}

const secrets = { certChainPem: 'CHAIN', keyPem: 'KEY', trustAnchorsPem: 'ROOT' };

describe('the SDS secret files', () => {
  it('hold discovery responses with the secrets `default` and `ROOTCA`', () => {
    const f = files();
    expect(writeSdsSecrets(f, secrets)).toEqual({ workload: true, root: true });
    const workload = JSON.parse(readFileSync(f.certSecret, 'utf8')) as { version_info: string; resources: unknown[] };
    expect(workload.version_info).toMatch(/^[0-9a-f]{16}$/);
    expect(workload.resources).toEqual([{
      '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
      name: 'default',
      tls_certificate: { certificate_chain: { inline_string: 'CHAIN' }, private_key: { inline_string: 'KEY' } },
    }]);
    expect(JSON.parse(readFileSync(f.rootSecret, 'utf8'))).toMatchObject({
      resources: [{
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
        name: 'ROOTCA',
        validation_context: { trusted_ca: { inline_string: 'ROOT' } },
      }],
    });
    expect(statSync(f.certSecret).mode & 0o777).toBe(0o600);
  });

  it('replaces a file by a rename only when its contents change', () => {
    const f = files();
    writeSdsSecrets(f, secrets);
    const before = { cert: statSync(f.certSecret).ino, root: statSync(f.rootSecret).ino };
    expect(writeSdsSecrets(f, secrets)).toEqual({ workload: false, root: false });
    expect(statSync(f.certSecret).ino).toBe(before.cert);
    expect(writeSdsSecrets(f, { ...secrets, certChainPem: 'CHAIN2', keyPem: 'KEY2' })).toEqual({ workload: true, root: false });
    expect(statSync(f.certSecret).ino).not.toBe(before.cert); // a new file renamed over the old: what Envoy watches for
    expect(statSync(f.rootSecret).ino).toBe(before.root);
    expect(readFileSync(f.certSecret, 'utf8')).toContain('CHAIN2');
  });

  it('gives Envoy an SdsSecretConfig reading the file from the watched directory', () => {
    const f = files();
    expect(workloadCertificateSds(f)).toEqual({
      name: 'default',
      sds_config: { resource_api_version: 'V3', path_config_source: { path: f.certSecret, watched_directory: { path: f.sdsDir } } },
    });
    expect(rootCaSds(f)).toMatchObject({ name: 'ROOTCA', sds_config: { path_config_source: { path: f.rootSecret } } });
  });
});
