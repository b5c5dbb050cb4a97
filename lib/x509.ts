import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, webcrypto } from 'node:crypto';

/**
 * Certificate-building primitives for mesh identities, shared by the harness (client credentials for fuzzed
 * clients) and the reference's mesh CA. Leaf certificates are shaped as Istio's CA issues them: an empty
 * subject, the SPIFFE id as a URI SAN (critical, since the subject is empty), digitalSignature+keyEncipherment,
 * serverAuth+clientAuth, a random 128-bit serial.
 */

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** ECDSA P-256 with SHA-256: every key this module makes. */
const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** Istio's ClockSkewGracePeriod: its CA dates certificates two minutes back. */
export const CLOCK_SKEW_GRACE_MS = 120_000;

export interface PemCredentials {
  certPem: string;
  keyPem: string;
}

/** A CA able to sign: its certificate and private key, and the algorithm its key signs with. */
export interface SigningAuthority {
  cert: x509.X509Certificate;
  certPem: string;
  signingKey: CryptoKey;
  signingAlgorithm: SigningAlgorithm;
}

type SigningAlgorithm = webcrypto.EcdsaParams | webcrypto.RsaHashedImportParams;

export interface IssuedCertificate extends PemCredentials {
  cert: x509.X509Certificate;
  /** Hexadecimal, as `openssl x509 -serial` and Node's `X509Certificate.serialNumber` print it. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

/**
 * Validity from `now - backdateMs` (as Istio's CA: clock skew) to `now + lifetimeMs`, in the whole seconds
 * X.509 holds: rounded outward, so that a certificate is valid at least for the lifetime asked (a 3 s
 * certificate must not come out valid for 2.001 s).
 */
export function validityFor(lifetimeMs: number, now = Date.now(), backdateMs = CLOCK_SKEW_GRACE_MS): Validity {
  return {
    notBefore: new Date(Math.floor((now - backdateMs) / 1000) * 1000),
    notAfter: new Date(Math.ceil((now + lifetimeMs) / 1000) * 1000),
  };
}

export async function newKeyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

export interface AuthorityOptions extends Partial<Validity> {
  /** The CA's subject, e.g. `O=cluster.local` as Istio's self-signed root. */
  subject: string;
}

/** A fresh self-signed root CA (ECDSA P-256); 10 years by default, as Istio's self-signed root. */
export async function createAuthority(opts: AuthorityOptions): Promise<SigningAuthority & PemCredentials> {
  const keys = await newKeyPair();
  const tenYears = validityFor(10 * 365 * 86_400_000);
  const notBefore = opts.notBefore ?? tenYears.notBefore;
  const notAfter = opts.notAfter ?? tenYears.notAfter;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: opts.subject,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: EC_P256,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certPem = cert.toString('pem');
  return { cert, certPem, keyPem: await keyToPem(keys.privateKey), signingKey: keys.privateKey, signingAlgorithm: EC_P256 };
}

/**
 * A CA from its PEM certificate and key: ECDSA (P-256, P-384) or RSA, in PKCS#8, SEC1 or PKCS#1 (Istio's
 * default root is RSA 2048 with a PKCS#1 key, in `istio-system/istio-ca-secret`).
 */
export async function loadAuthority(ca: PemCredentials): Promise<SigningAuthority> {
  const cert = new x509.X509Certificate(ca.certPem);
  const key = createPrivateKey(ca.keyPem);
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  let importAlg: webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams;
  let signingAlgorithm: SigningAlgorithm;
  if (key.asymmetricKeyType === 'ec') {
    const curve = { prime256v1: 'P-256', secp384r1: 'P-384' }[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve) throw new Error(`unsupported CA key curve: ${key.asymmetricKeyDetails?.namedCurve}`);
    importAlg = { name: 'ECDSA', namedCurve: curve };
    signingAlgorithm = { name: 'ECDSA', hash: curve === 'P-384' ? 'SHA-384' : 'SHA-256' };
  } else if (key.asymmetricKeyType === 'rsa') {
    importAlg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    signingAlgorithm = importAlg;
  } else {
    throw new Error(`unsupported CA key type: ${key.asymmetricKeyType}`);
  }
  const signingKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, importAlg, false, ['sign']);
  return { cert, certPem: cert.toString('pem'), signingKey, signingAlgorithm };
}

export interface LeafOptions extends Validity {
  /** URI SANs: the SPIFFE id(s). */
  uris: string[];
  /** DNS and IP SANs, for serving certificates of the reference's own servers. */
  dnsNames?: string[];
  ipAddresses?: string[];
  /** A subject for the certificate; Istio's workload certificates have none (the default). */
  subject?: string;
  /** Extended key usage: both, as Istio's workload certificates (the default), or one of them. */
  usage?: 'server' | 'client' | 'both';
}

const EKU = {
  server: [x509.ExtendedKeyUsage.serverAuth],
  client: [x509.ExtendedKeyUsage.clientAuth],
  both: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
};

/**
 * A workload certificate shaped as Istio's (by default), with a fresh ECDSA P-256 key, signed by `issuer` or by
 * itself; with DNS/IP SANs, a subject and one usage, the reference's own serving and client certificates too.
 */
export async function issueLeaf(issuer: SigningAuthority | 'self-signed', opts: LeafOptions): Promise<IssuedCertificate> {
  const keys = await newKeyPair();
  const subject = opts.subject ?? '';
  const serialNumber = randomSerial();
  const sans: x509.JsonGeneralName[] = [
    ...opts.uris.map((value) => ({ type: 'url' as const, value })),
    ...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(EKU[opts.usage ?? 'both']),
    // RFC 5280 §4.2.1.6: with an empty subject, the SAN extension must be critical (Istio marks it so).
    ...(sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(sans, subject === '')] : []),
    ...(issuer === 'self-signed' ? [] : [await x509.AuthorityKeyIdentifierExtension.create(issuer.cert)]),
  ];
  const common = { serialNumber, notBefore: opts.notBefore, notAfter: opts.notAfter, extensions };
  const cert =
    issuer === 'self-signed'
      ? await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: subject, keys, signingAlgorithm: EC_P256 })
      : await x509.X509CertificateGenerator.create({
        ...common,
        subject,
        issuer: issuer.cert.subjectName,
        publicKey: keys.publicKey,
        signingKey: issuer.signingKey,
        signingAlgorithm: issuer.signingAlgorithm,
      });
  return {
    cert,
    certPem: cert.toString('pem'),
    keyPem: await keyToPem(keys.privateKey),
    serial: serialNumber.toUpperCase(),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

export async function keyToPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** 128 random bits, as Istio's serials, with the top bit clear so that DER keeps them positive in 16 bytes. */
export function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return Buffer.from(bytes).toString('hex');
}
