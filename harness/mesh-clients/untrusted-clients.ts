import type { ForwardSpec } from './clients.ts';
import { clientCredentials, type ClientIdentity } from './credentials.ts';
import type { PemCredentials } from '../../lib/x509.ts';

/**
 * The ways a client without a mesh identity may try its luck with a workload that demands mTLS: each is a
 * scheme and TLS settings for a probe's `/forward`. The server's certificate is not checked (the client has
 * no reason to trust the mesh): only whether the server answers matters.
 */
export interface UntrustedBehaviour {
  name: string;
  scheme: 'http' | 'https';
  tls?: NonNullable<ForwardSpec['tls']>;
}

export interface UntrustedOptions {
  /** The identity the certificates claim: a real workload's, so only the credential's trust is wrong. */
  spiffeId: string;
  /** The mesh's root (harness/mesh-clients/mesh-ca.ts): makes the expired and wrong-trust-domain cases mesh-signed. */
  meshCa?: PemCredentials;
}

export async function untrustedBehaviours(o: UntrustedOptions): Promise<UntrustedBehaviour[]> {
  const withCert = async (name: string, identity: ClientIdentity): Promise<UntrustedBehaviour> => {
    const c = await clientCredentials(identity);
    return { name, scheme: 'https', tls: { certPem: c.certPem, keyPem: c.keyPem, insecure: true } };
  };
  const foreignDomain = o.spiffeId.replace(/^spiffe:\/\/[^/]+/, 'spiffe://foreign-domain.example');
  const by = o.meshCa ? 'the mesh CA' : 'a foreign CA';
  return [
    { name: 'plain HTTP', scheme: 'http' },
    { name: 'TLS without a client certificate', scheme: 'https', tls: { insecure: true } },
    await withCert('a self-signed certificate', { kind: 'self-signed', spiffeId: o.spiffeId }),
    await withCert('a certificate from a foreign CA', { kind: 'foreign-ca', spiffeId: o.spiffeId }),
    await withCert(`an expired certificate signed by ${by}`, o.meshCa ? { kind: 'expired', ca: o.meshCa, spiffeId: o.spiffeId } : { kind: 'foreign-ca', spiffeId: o.spiffeId }),
    await withCert(`a SPIFFE id of another trust domain, signed by ${by}`, o.meshCa ? { kind: 'wrong-identity', ca: o.meshCa, spiffeId: foreignDomain } : { kind: 'foreign-ca', spiffeId: foreignDomain }),
  ];
}
