import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { versionOf } from '../../envoy/discovery-file.ts';
import { ROOT_SECRET, WORKLOAD_SECRET, type ProxyFiles } from '../layout.ts';

/**
 * The two secrets a sidecar's Envoy reads by SDS, as istio-agent serves them: `default` (the workload's
 * certificate chain and key) and `ROOTCA` (the trust anchors). Here they are discovery responses in files of
 * the proxy's watched `sds/` directory, replaced by a rename so that Envoy reloads them without a restart.
 */

const SECRET_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';

export interface SdsSecrets {
  /** The workload certificate, then its CA chain, PEM. */
  certChainPem: string;
  keyPem: string;
  /** The trust anchors, PEM (one or more certificates). */
  trustAnchorsPem: string;
}

export function workloadSecret(certChainPem: string, keyPem: string): object {
  return {
    '@type': SECRET_TYPE,
    name: WORKLOAD_SECRET,
    tls_certificate: { certificate_chain: { inline_string: certChainPem }, private_key: { inline_string: keyPem } },
  };
}

export function rootSecret(trustAnchorsPem: string): object {
  return { '@type': SECRET_TYPE, name: ROOT_SECRET, validation_context: { trusted_ca: { inline_string: trustAnchorsPem } } };
}

/** Which of the two files were replaced (false: it already held these contents). */
export interface SdsWrite {
  workload: boolean;
  root: boolean;
}

/**
 * Writes both secret files, each only when its contents change. The trust anchors go first: a peer's new
 * certificate may chain to an anchor that this proxy must already trust.
 */
export function writeSdsSecrets(files: ProxyFiles, secrets: SdsSecrets): SdsWrite {
  mkdirSync(files.sdsDir, { recursive: true });
  mkdirSync(files.tmpDir, { recursive: true });
  const root = writeIfChanged(files, files.rootSecret, rootSecret(secrets.trustAnchorsPem));
  const workload = writeIfChanged(files, files.certSecret, workloadSecret(secrets.certChainPem, secrets.keyPem));
  return { workload, root };
}

function writeIfChanged(files: ProxyFiles, path: string, secret: object): boolean {
  const resources = [secret];
  const version = versionOf(JSON.stringify(resources));
  const body = `${JSON.stringify({ version_info: version, resources }, null, 1)}\n`;
  if (readOrUndefined(path) === body) return false;
  const tmp = join(files.tmpDir, `sds-${version}.json`);
  // The file holds a private key: readable by its owner only, as istio-agent's.
  writeFileSync(tmp, body, { mode: 0o600 });
  renameSync(tmp, path);
  return true;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
