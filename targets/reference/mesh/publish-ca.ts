import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { MeshCa } from './identity/ca.ts';

/** Where istiod keeps its self-signed root, with Istio's key names. */
export const CA_SECRET = { namespace: 'istio-system', name: 'istio-ca-secret' } as const;

/**
 * Publishes the mesh's root as istiod's self-signed CA does: Secret `istio-system/istio-ca-secret` with
 * `ca-cert.pem` and `ca-key.pem`. A cluster administrator can read it on Istio as here, which lets checks
 * make certificates the mesh trusts (an expired one, one with a foreign trust domain).
 */
export async function publishMeshCa(kc: KubeConfig, ca: MeshCa): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  await core.createNamespacedSecret({
    namespace: CA_SECRET.namespace,
    body: {
      metadata: { name: CA_SECRET.name, namespace: CA_SECRET.namespace },
      type: 'istio.io/ca-root',
      data: { 'ca-cert.pem': b64(ca.root.certPem), 'ca-key.pem': b64(ca.root.keyPem), 'root-cert.pem': b64(ca.trustAnchorsPem), 'cert-chain.pem': b64(''), 'key.pem': b64('') },
    },
  });
}
