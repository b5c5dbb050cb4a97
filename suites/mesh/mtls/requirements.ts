import type { RequirementDeclaration } from '../../../harness/requirements/types.ts';

const PEER_AUTHENTICATION = 'Istio API reference, security.istio.io/v1 PeerAuthentication (mtls.mode)';

/** Workload identity and mutual TLS (suites/mesh/mtls). */
export const MTLS: readonly RequirementDeclaration[] = [
  {
    id: 'MESH.MTLS.STRICT-REJECTS-PLAINTEXT',
    level: 'MUST',
    layer: 'mesh',
    title:
      'A workload under PeerAuthentication STRICT answers no client without a mesh identity: plain HTTP, TLS without a client ' +
      'certificate, self-signed, foreign-CA, expired and foreign-trust-domain certificates all get no response, while an in-mesh client is served',
    upstream: `${PEER_AUTHENTICATION}: "STRICT: Connection is an mTLS tunnel (TLS with client cert must be presented)"; Istio security concepts, "Mutual TLS authentication"`,
    bound: 'zero responses out of 20 attempts per client behaviour (fresh connection each); the in-mesh control: 5 of 5 answered 200',
    parallel: true,
  },
  {
    id: 'MESH.MTLS.PERMISSIVE-ACCEPTS-BOTH',
    level: 'MUST',
    layer: 'mesh',
    title: 'A workload under PeerAuthentication PERMISSIVE serves both an in-mesh client (over mTLS, with its identity) and a plaintext client outside the mesh',
    upstream: `${PEER_AUTHENTICATION}: "PERMISSIVE: Connection can be either plaintext or mTLS tunnel"`,
    bound: '10 of 10 requests answered 200 from each client; the in-mesh ones carry x-forwarded-client-cert, the plaintext ones do not',
    parallel: true,
  },
  {
    id: 'MESH.MTLS.IDENTITY',
    level: 'MUST',
    layer: 'mesh',
    title: "The workload sees its caller's identity: x-forwarded-client-cert names the calling workload's service account as spiffe://<trust domain>/ns/<namespace>/sa/<name>",
    upstream: 'Istio security concepts, "Istio identity" (SPIFFE ids of service accounts) and "Secure naming"; Envoy HCM forward_client_cert_details as Istio sets it',
    bound: 'every one of 10 requests carries the caller\'s SPIFFE id in the URI field of the last x-forwarded-client-cert element',
    parallel: true,
  },
  {
    id: 'MESH.MTLS.FOREIGN-CA-REJECTED',
    level: 'MUST',
    layer: 'mesh',
    title: "A client certificate from a CA the mesh does not trust is refused under STRICT, even when it claims an identity of the mesh",
    upstream: `${PEER_AUTHENTICATION} (STRICT); Istio security concepts, "PKI" (workload certificates signed by the mesh CA)`,
    bound: 'zero responses out of 20 attempts with a foreign-CA certificate claiming a real service account of the namespace',
    parallel: true,
  },
  {
    id: 'MESH.MTLS.ROTATION',
    level: 'MUST',
    layer: 'mesh',
    title: 'Workload certificates are rotated before they expire, under load, without a failed request',
    upstream:
      'Istio security concepts, "PKI" (istio-agent rotates workload certificates before expiry); proxy.istio.io/config proxyMetadata SECRET_TTL',
    bound: 'SECRET_TTL 10s on client and server, requests every 250 ms for 30 s over new connections (DestinationRule maxRequestsPerConnection 1): no failed request, >= 3 distinct client certificates seen by the server',
    parallel: true,
  },
];
