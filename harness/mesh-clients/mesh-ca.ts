import type { Cluster } from '../cluster/cluster.ts';
import type { PemCredentials } from '../../lib/x509.ts';

/**
 * The mesh's root CA as istiod's self-signed CA keeps it: Secret `istio-system/istio-ca-secret`, keys
 * `ca-cert.pem` and `ca-key.pem`. With it a check can make certificates the mesh trusts but must refuse (an
 * expired one, one of another trust domain). Undefined when the cluster has no such secret (a plugged-in CA,
 * cert-manager) or the harness may not read it: checks then do without those cases and say so.
 */
export async function readMeshCa(cluster: Cluster): Promise<PemCredentials | undefined> {
  try {
    const secret = await cluster.core.readNamespacedSecret({ namespace: 'istio-system', name: 'istio-ca-secret' });
    const cert = secret.data?.['ca-cert.pem'];
    const key = secret.data?.['ca-key.pem'];
    if (!cert || !key) return undefined;
    return { certPem: Buffer.from(cert, 'base64').toString('utf8'), keyPem: Buffer.from(key, 'base64').toString('utf8') };
  } catch (e) {
    const code = (e as { code?: number }).code;
    if (code === 404 || code === 403) return undefined;
    throw e;
  }
}
