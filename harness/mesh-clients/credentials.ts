import {
  createAuthority, issueLeaf, loadAuthority, validityFor, type IssuedCertificate, type PemCredentials, type SigningAuthority,
} from '../../lib/x509.ts';

/**
 * PEM client credentials for the fuzzed client behaviours of the mesh checks: what a client outside the mesh
 * (or a misbehaving one) presents to a sidecar that requires mutual TLS. Every certificate but the valid one
 * must be refused at the handshake (or, for a wrong identity, by authorization). The mesh's CA is passed in as
 * PEM (on Istio: `istio-system/istio-ca-secret` or `cacerts`), so that this works against any mesh.
 */

export interface ClientCredentials extends PemCredentials {
  /** The SPIFFE id in the certificate's URI SAN. */
  spiffeId: string;
  /** Hexadecimal serial. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** The CA that signed it when that CA was made here (a foreign CA): its certificate, PEM. */
  issuerPem?: string;
}

/** How a fuzzed client identifies itself. */
export type ClientIdentity =
  /** Signed by the mesh's CA, valid now: what a workload of the mesh presents. */
  | { kind: 'valid'; ca: PemCredentials; spiffeId: string; lifetimeMs?: number }
  /** Signed by the mesh's CA, for an identity the caller chose to be the wrong one (e.g. another service account). */
  | { kind: 'wrong-identity'; ca: PemCredentials; spiffeId: string }
  /** Signed by the mesh's CA, but expired an hour ago. */
  | { kind: 'expired'; ca: PemCredentials; spiffeId: string }
  /** Signed by the mesh's CA, but valid only from an hour from now. */
  | { kind: 'not-yet-valid'; ca: PemCredentials; spiffeId: string }
  /** Signed by the mesh's CA, without a SPIFFE id: a DNS name as its only SAN, or no SAN at all (a subject instead). */
  | { kind: 'no-spiffe-id'; ca: PemCredentials; dnsName?: string }
  /** Signed by the mesh's CA, for server authentication only (extended key usage serverAuth, no clientAuth). */
  | { kind: 'server-only'; ca: PemCredentials; spiffeId: string }
  /** Signed by a certificate the mesh's CA issued to a workload (not a CA), sent with that certificate as its chain. */
  | { kind: 'leaf-signed'; ca: PemCredentials; spiffeId: string }
  /** Signed by its own key. */
  | { kind: 'self-signed'; spiffeId: string }
  /** Signed by a CA made for the occasion, which the mesh does not trust. */
  | { kind: 'foreign-ca'; spiffeId: string };

const DEFAULT_LIFETIME_MS = 3_600_000;

export async function clientCredentials(identity: ClientIdentity): Promise<ClientCredentials> {
  switch (identity.kind) {
    case 'valid':
      return signedByCa(identity.ca, identity.spiffeId, identity.lifetimeMs ?? DEFAULT_LIFETIME_MS);
    case 'wrong-identity':
      return wrongIdentityCredentials(identity.ca, identity.spiffeId);
    case 'expired':
      return expiredCredentials(identity.ca, identity.spiffeId);
    case 'not-yet-valid':
      return notYetValidCredentials(identity.ca, identity.spiffeId);
    case 'no-spiffe-id':
      return noSpiffeIdCredentials(identity.ca, identity.dnsName);
    case 'server-only':
      return serverOnlyCredentials(identity.ca, identity.spiffeId);
    case 'leaf-signed':
      return leafSignedCredentials(identity.ca, identity.spiffeId);
    case 'self-signed':
      return selfSignedCredentials(identity.spiffeId);
    case 'foreign-ca':
      return foreignCaCredentials(identity.spiffeId);
  }
}

/** A certificate for `spiffeId` signed by the given CA, valid for `lifetimeMs` from now. */
export async function signedByCa(ca: PemCredentials, spiffeId: string, lifetimeMs = DEFAULT_LIFETIME_MS): Promise<ClientCredentials> {
  const leaf = await issueLeaf(await loadAuthority(ca), { uris: [spiffeId], ...validityFor(lifetimeMs) });
  return credentials(leaf, spiffeId);
}

/** Signed by the mesh's CA, for an identity that is not the client's: the same certificate as a valid one. */
export async function wrongIdentityCredentials(ca: PemCredentials, wrongSpiffeId: string): Promise<ClientCredentials> {
  return signedByCa(ca, wrongSpiffeId);
}

/** Signed by the given CA; valid from two hours ago to one hour ago. */
export async function expiredCredentials(ca: PemCredentials, spiffeId: string): Promise<ClientCredentials> {
  const now = Date.now();
  const leaf = await issueLeaf(await loadAuthority(ca), {
    uris: [spiffeId], notBefore: new Date(now - 2 * 3_600_000), notAfter: new Date(now - 3_600_000),
  });
  return credentials(leaf, spiffeId);
}

/** Signed by the given CA; valid from an hour from now to two hours from now. */
export async function notYetValidCredentials(ca: PemCredentials, spiffeId: string): Promise<ClientCredentials> {
  const now = Date.now();
  const leaf = await issueLeaf(await loadAuthority(ca), {
    uris: [spiffeId], notBefore: new Date(now + 3_600_000), notAfter: new Date(now + 2 * 3_600_000),
  });
  return credentials(leaf, spiffeId);
}

/**
 * Signed by the given CA, valid now, without a SPIFFE id: `dnsName` as its only SAN, or with no SAN at all and
 * a subject instead (RFC 5280 wants one or the other). `spiffeId` is then empty.
 */
export async function noSpiffeIdCredentials(ca: PemCredentials, dnsName?: string): Promise<ClientCredentials> {
  const leaf = await issueLeaf(await loadAuthority(ca), {
    uris: [], ...(dnsName ? { dnsNames: [dnsName] } : { subject: 'CN=gauntlet-client' }), ...validityFor(DEFAULT_LIFETIME_MS),
  });
  return credentials(leaf, '');
}

/** Signed by the given CA, valid now, for the SPIFFE id, with serverAuth as its only extended key usage. */
export async function serverOnlyCredentials(ca: PemCredentials, spiffeId: string): Promise<ClientCredentials> {
  const leaf = await issueLeaf(await loadAuthority(ca), { uris: [spiffeId], usage: 'server', ...validityFor(DEFAULT_LIFETIME_MS) });
  return credentials(leaf, spiffeId);
}

/**
 * A workload certificate of the mesh (signed by the given CA, not itself a CA: basic constraints CA:FALSE, no
 * keyCertSign) used to sign another for the SPIFFE id: what a workload that could mint identities would present; the certificate PEM is that one followed by the workload
 * certificate, the chain a client sends. `issuerPem` is the workload certificate.
 */
export async function leafSignedCredentials(ca: PemCredentials, spiffeId: string): Promise<ClientCredentials> {
  // A subject of its own, unlike Istio's workload certificates: with an empty one the signed certificate's
  // issuer and subject would both be empty, and it would look self-signed rather than signed by a non-CA.
  const workload = await issueLeaf(await loadAuthority(ca), { uris: [spiffeId], subject: 'CN=gauntlet-workload', ...validityFor(DEFAULT_LIFETIME_MS) });
  const leaf = await issueLeaf(await loadAuthority(workload), { uris: [spiffeId], ...validityFor(DEFAULT_LIFETIME_MS) });
  return { ...credentials(leaf, spiffeId), certPem: `${leaf.certPem.trimEnd()}\n${workload.certPem.trimEnd()}\n`, issuerPem: workload.certPem };
}

export async function selfSignedCredentials(spiffeId: string): Promise<ClientCredentials> {
  const leaf = await issueLeaf('self-signed', { uris: [spiffeId], ...validityFor(DEFAULT_LIFETIME_MS) });
  return credentials(leaf, spiffeId);
}

/** Signed by a fresh CA that looks like a mesh's root (same subject shape) but that no one trusts. */
export async function foreignCaCredentials(spiffeId: string): Promise<ClientCredentials> {
  const foreign = await createForeignAuthority(trustDomainOf(spiffeId));
  const leaf = await issueLeaf(foreign, { uris: [spiffeId], ...validityFor(DEFAULT_LIFETIME_MS) });
  return { ...credentials(leaf, spiffeId), issuerPem: foreign.certPem };
}

/** A fresh root CA with the subject of Istio's self-signed root (`O=<trustDomain>`), valid for a day. */
export function createForeignAuthority(trustDomain = 'cluster.local'): Promise<SigningAuthority & PemCredentials> {
  return createAuthority({ subject: `O=${trustDomain}`, ...validityFor(86_400_000) });
}

function trustDomainOf(spiffeId: string): string {
  return /^spiffe:\/\/([^/]+)/.exec(spiffeId)?.[1] ?? 'cluster.local';
}

function credentials(leaf: IssuedCertificate, spiffeId: string): ClientCredentials {
  return { certPem: leaf.certPem, keyPem: leaf.keyPem, spiffeId, serial: leaf.serial, notBefore: leaf.notBefore, notAfter: leaf.notAfter };
}
