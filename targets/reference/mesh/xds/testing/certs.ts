import { createAuthority, issueCertificate, type Authority, type KeyPairPem } from '../../../controlplane/pki.ts';
import type { ProxyFiles } from '../../layout.ts';
import { writeSdsSecrets } from '../../identity/sds-files.ts';

/**
 * Certificates for the sidecar's tests, made with @peculiar/x509 (through the project's pki.ts): a mesh root and
 * workload certificates holding a SPIFFE id as URI SAN, for server and client use alike, as Istio's.
 */
export function testRoot(name = 'test mesh root'): Promise<Authority> {
  return createAuthority(name, 1);
}

export function workloadCertificate(root: Authority, spiffeId: string): Promise<KeyPairPem> {
  return issueCertificate(root, { commonName: spiffeId.split('/').at(-1) ?? 'workload', uris: [spiffeId], usage: 'both', days: 1 });
}

/** Writes the two SDS files a sidecar reads, as the mesh's certificate rotator does. */
export function writeSecrets(files: ProxyFiles, root: Authority, workload: KeyPairPem): void {
  writeSdsSecrets(files, { certChainPem: workload.certPem, keyPem: workload.keyPem, trustAnchorsPem: root.certPem });
}
