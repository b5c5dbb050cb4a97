import {
  CLOCK_SKEW_GRACE_MS, createAuthority, issueLeaf, loadAuthority, validityFor, type PemCredentials, type SigningAuthority,
} from '../../../../lib/x509.ts';
import { spiffeId } from '../snapshot.ts';

/**
 * The mesh's certificate authority, as istiod's self-signed CA: a root `O=<trustDomain>` that signs workload
 * certificates for SPIFFE ids `spiffe://<trustDomain>/ns/<ns>/sa/<sa>`. A second instance is a foreign CA (a
 * root the mesh does not trust), for tests of clients that present one.
 */
export interface MeshCa {
  trustDomain: string;
  /** The root's certificate and key, PEM: what Istio keeps in `istio-system/istio-ca-secret`. */
  root: PemCredentials;
  /** The trust anchors sidecars validate peers against (secret `ROOTCA`). */
  trustAnchorsPem: string;
  issueWorkload(request: WorkloadCertificateRequest): Promise<WorkloadCertificate>;
}

export interface WorkloadCertificateRequest {
  namespace: string;
  serviceAccount: string;
  lifetimeMs: number;
  /** The time of issue (default now). */
  now?: number;
}

export interface WorkloadCertificate {
  spiffeId: string;
  /** The workload certificate followed by the CA's, PEM (the `default` secret's certificate chain, as Istio's). */
  certChainPem: string;
  keyPem: string;
  /** Hexadecimal, as Node's `X509Certificate.serialNumber`. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** When it was issued: rotation counts the lifetime from here (the validity starts earlier, for clock skew). */
  issuedAt: Date;
}

export interface MeshCaOptions {
  trustDomain: string;
  /** An existing root (e.g. kept across restarts); a fresh one when absent. */
  root?: PemCredentials;
  /** How far before its issue a certificate becomes valid (default two minutes, Istio's ClockSkewGracePeriod). */
  backdateMs?: number;
}

export async function createMeshCa(opts: MeshCaOptions): Promise<MeshCa> {
  const { trustDomain } = opts;
  let authority: SigningAuthority;
  let root: PemCredentials;
  if (opts.root) {
    authority = await loadAuthority(opts.root);
    root = opts.root;
  } else {
    const made = await createAuthority({ subject: `O=${trustDomain}` });
    authority = made;
    root = { certPem: made.certPem, keyPem: made.keyPem };
  }
  const backdateMs = opts.backdateMs ?? CLOCK_SKEW_GRACE_MS;
  return {
    trustDomain,
    root,
    trustAnchorsPem: authority.certPem,
    async issueWorkload(request) {
      if (!(request.lifetimeMs > 0)) throw new Error(`a certificate lifetime must be positive, not ${request.lifetimeMs} ms`);
      const id = spiffeId(trustDomain, request.namespace, request.serviceAccount);
      const now = request.now ?? Date.now();
      const leaf = await issueLeaf(authority, { uris: [id], ...validityFor(request.lifetimeMs, now, backdateMs) });
      return {
        spiffeId: id,
        certChainPem: `${leaf.certPem.trimEnd()}\n${authority.certPem.trimEnd()}\n`,
        keyPem: leaf.keyPem,
        serial: leaf.serial,
        notBefore: leaf.notBefore,
        notAfter: leaf.notAfter,
        issuedAt: new Date(now),
      };
    },
  };
}
