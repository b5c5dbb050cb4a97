import { createAuthority as createRoot, issueLeaf, validityFor, type PemCredentials, type SigningAuthority } from '../../../lib/x509.ts';

/**
 * The reference's own certificates (the API server's serving certificate, the admission webhook's, tests'
 * servers and clients), built with the project's one set of X.509 primitives (lib/x509.ts): ECDSA
 * P-256, a `CN=` subject, back-dated a minute.
 */
export type KeyPairPem = PemCredentials;
export type Authority = SigningAuthority & PemCredentials;

const DAY_MS = 86_400_000;
const BACKDATE_MS = 60_000;

export function createAuthority(commonName: string, days = 7): Promise<Authority> {
  return createRoot({ subject: `CN=${commonName}`, ...validityFor(days * DAY_MS, Date.now(), BACKDATE_MS) });
}

export interface LeafOptions {
  commonName: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  uris?: string[];
  usage: 'server' | 'client' | 'both';
  days?: number;
}

export async function issueCertificate(ca: Authority, opts: LeafOptions): Promise<KeyPairPem> {
  const leaf = await issueLeaf(ca, {
    subject: `CN=${opts.commonName}`,
    uris: opts.uris ?? [],
    ...(opts.dnsNames ? { dnsNames: opts.dnsNames } : {}),
    ...(opts.ipAddresses ? { ipAddresses: opts.ipAddresses } : {}),
    usage: opts.usage,
    ...validityFor((opts.days ?? 7) * DAY_MS, Date.now(), BACKDATE_MS),
  });
  return { certPem: leaf.certPem, keyPem: leaf.keyPem };
}
