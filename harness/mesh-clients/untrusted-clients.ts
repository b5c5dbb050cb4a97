import type { ForwardSpec } from './clients.ts';
import { clientCredentials, type ClientIdentity } from './credentials.ts';
import type { PemCredentials } from '../../lib/x509.ts';

/**
 * The ways a client without a mesh identity may try its luck with a workload that demands mTLS, by class: what
 * differs between the behaviours of a class is that one thing (the HTTP version, the TLS version, the ALPN
 * protocols offered, the certificate's issuer, its validity, its SANs, its trust domain, its key usage), so
 * that a report names the classes a mesh was tried with rather than a count. Each is a scheme, an HTTP
 * version and TLS settings for a probe's `/forward`. The server's certificate is not checked (the client has
 * no reason to trust the mesh): only how the server ends the attempt matters.
 */
export const UNTRUSTED_CLASSES = ['HTTP version', 'TLS version', 'ALPN', 'certificate issuer', 'validity', 'SAN', 'trust domain', 'key usage'] as const;
export type UntrustedClass = (typeof UNTRUSTED_CLASSES)[number];

export interface UntrustedBehaviour {
  name: string;
  class: UntrustedClass;
  scheme: 'http' | 'https';
  protocol?: NonNullable<ForwardSpec['protocol']>;
  tls?: NonNullable<ForwardSpec['tls']>;
}

export interface UntrustedOptions {
  /** The identity the certificates claim: a real workload's, so only the credential's trust is wrong. */
  spiffeId: string;
  /**
   * The mesh's root (harness/mesh-clients/mesh-ca.ts): the certificates that are wrong in one thing only (the
   * validity, the SANs, the trust domain, the key usage, the issuer being a workload) are signed by it. Without
   * it they cannot be made, and those behaviours are left out (`untrustedBehaviours` says which).
   */
  meshCa?: PemCredentials;
  /** A DNS name for the certificate without a SPIFFE id (the server's service name, say). */
  dnsName?: string;
}

export interface UntrustedSet {
  behaviours: UntrustedBehaviour[];
  /** Behaviours left out, with why (no mesh CA to sign them). */
  omitted: { name: string; class: UntrustedClass; why: string }[];
  /**
   * The control of the certificate classes: a certificate the mesh CA signs for the same identity, valid, for
   * client authentication, over TLS 1.2 or 1.3 -- what the others differ from in one thing. A STRICT workload
   * serves it; refusing the others proves something only if it does. Absent without the mesh CA.
   */
  trusted?: UntrustedBehaviour;
}

const NO_CERT = { insecure: true } as const;

export async function untrustedBehaviours(o: UntrustedOptions): Promise<UntrustedSet> {
  const tlsWith = async (identity: ClientIdentity, more: NonNullable<ForwardSpec['tls']> = {}) => {
    const c = await clientCredentials(identity);
    return { certPem: c.certPem, keyPem: c.keyPem, insecure: true, ...more };
  };
  const foreignDomain = o.spiffeId.replace(/^spiffe:\/\/[^/]+/, 'spiffe://foreign-domain.example');
  const behaviours: UntrustedBehaviour[] = [
    { name: 'plaintext HTTP/1.1', class: 'HTTP version', scheme: 'http', protocol: 'http/1.1' },
    { name: 'plaintext HTTP/1.0', class: 'HTTP version', scheme: 'http', protocol: 'http/1.0' },
    { name: 'plaintext HTTP/2 with prior knowledge (h2c)', class: 'HTTP version', scheme: 'http', protocol: 'h2' },
    { name: 'TLS 1.2 without a client certificate', class: 'TLS version', scheme: 'https', tls: { ...NO_CERT, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } },
    { name: 'TLS 1.3 without a client certificate', class: 'TLS version', scheme: 'https', tls: { ...NO_CERT, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } },
    { name: 'ALPN h2 (HTTP/2 over TLS) without a client certificate', class: 'ALPN', scheme: 'https', protocol: 'h2', tls: { ...NO_CERT, alpn: ['h2'] } },
    { name: 'ALPN http/1.1 without a client certificate', class: 'ALPN', scheme: 'https', tls: { ...NO_CERT, alpn: ['http/1.1'] } },
    { name: "ALPN istio-peer-exchange, istio (a sidecar's offer) without a client certificate", class: 'ALPN', scheme: 'https', tls: { ...NO_CERT, alpn: ['istio-peer-exchange', 'istio'] } },
    { name: 'a self-signed certificate', class: 'certificate issuer', scheme: 'https', tls: await tlsWith({ kind: 'self-signed', spiffeId: o.spiffeId }) },
    { name: "a certificate from a foreign CA bearing the mesh root's name", class: 'certificate issuer', scheme: 'https', tls: await tlsWith({ kind: 'foreign-ca', spiffeId: o.spiffeId }) },
  ];
  const omitted: UntrustedSet['omitted'] = [];
  const ca = o.meshCa;
  const meshSigned: { name: string; class: UntrustedClass; make: (ca: PemCredentials) => Promise<UntrustedBehaviour['tls']> }[] = [
    { name: 'TLS 1.1 with a certificate of the mesh CA', class: 'TLS version', make: (c) => tlsWith({ kind: 'valid', ca: c, spiffeId: o.spiffeId }, { maxVersion: 'TLSv1.1' }) },
    { name: 'TLS 1.0 with a certificate of the mesh CA', class: 'TLS version', make: (c) => tlsWith({ kind: 'valid', ca: c, spiffeId: o.spiffeId }, { maxVersion: 'TLSv1' }) },
    { name: 'a certificate signed by a workload certificate of the mesh (not a CA)', class: 'certificate issuer', make: (c) => tlsWith({ kind: 'leaf-signed', ca: c, spiffeId: o.spiffeId }) },
    { name: 'an expired certificate of the mesh CA', class: 'validity', make: (c) => tlsWith({ kind: 'expired', ca: c, spiffeId: o.spiffeId }) },
    { name: 'a not-yet-valid certificate of the mesh CA', class: 'validity', make: (c) => tlsWith({ kind: 'not-yet-valid', ca: c, spiffeId: o.spiffeId }) },
    { name: 'a certificate of the mesh CA with a DNS name and no SPIFFE id', class: 'SAN', make: (c) => tlsWith({ kind: 'no-spiffe-id', ca: c, dnsName: o.dnsName ?? 'client.example' }) },
    { name: 'a certificate of the mesh CA without any SAN', class: 'SAN', make: (c) => tlsWith({ kind: 'no-spiffe-id', ca: c }) },
    { name: 'a certificate of the mesh CA for a SPIFFE id of another trust domain', class: 'trust domain', make: (c) => tlsWith({ kind: 'wrong-identity', ca: c, spiffeId: foreignDomain }) },
    { name: 'a certificate of the mesh CA for server authentication only (no clientAuth)', class: 'key usage', make: (c) => tlsWith({ kind: 'server-only', ca: c, spiffeId: o.spiffeId }) },
  ];
  for (const m of meshSigned) {
    if (!ca) {
      omitted.push({ name: m.name, class: m.class, why: 'needs the mesh CA to sign it' });
      continue;
    }
    const tls = await m.make(ca);
    behaviours.push({ name: m.name, class: m.class, scheme: 'https', ...(tls ? { tls } : {}) });
  }
  const trusted: UntrustedBehaviour | undefined = ca
    ? { name: 'a valid certificate of the mesh CA (the control)', class: 'certificate issuer', scheme: 'https', tls: await tlsWith({ kind: 'valid', ca, spiffeId: o.spiffeId }) }
    : undefined;
  return { behaviours, omitted, ...(trusted ? { trusted } : {}) };
}
