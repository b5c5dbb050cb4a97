import type { ProxyFiles } from '../layout.ts';
import { rootCaSds, workloadCertificateSds } from './secrets.ts';

type SecretFiles = Pick<ProxyFiles, 'certSecret' | 'rootSecret' | 'sdsDir'>;

const TLS_SOCKET = 'envoy.transport_sockets.tls';
const DOWNSTREAM = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
const UPSTREAM = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';
const TLS_PARAMS = { tls_minimum_protocol_version: 'TLSv1_2' };

export interface DownstreamMtlsOptions {
  /** Peers must hold a SPIFFE id of this trust domain, as Istio's trust-domain validation demands. */
  trustDomain?: string;
  /** The foreign-CA-trusted mutant: a client certificate from any issuer is accepted (not verified). */
  acceptUntrusted?: boolean;
}

/**
 * The inbound mTLS transport socket, as Istio's sidecar serves: the workload certificate (SDS `default`), a
 * client certificate required and verified against the mesh's roots (SDS `ROOTCA`) and holding a SPIFFE id of
 * the mesh's trust domain (Istio validates the peer's trust domain unless PILOT_SKIP_VALIDATE_TRUST_DOMAIN).
 * Any workload identity of the mesh is accepted here; who may do what is the RBAC filters' business.
 */
export function downstreamMtls(files: SecretFiles, opts: DownstreamMtlsOptions = {}): object {
  return {
    name: TLS_SOCKET,
    typed_config: {
      '@type': DOWNSTREAM,
      require_client_certificate: true,
      common_tls_context: {
        tls_params: TLS_PARAMS,
        alpn_protocols: ['h2', 'http/1.1'],
        tls_certificate_sds_secret_configs: [workloadCertificateSds(files)],
        combined_validation_context: {
          default_validation_context: opts.acceptUntrusted
            ? { trust_chain_verification: 'ACCEPT_UNTRUSTED' }
            : opts.trustDomain ? { match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { prefix: `spiffe://${opts.trustDomain}/` } }] } : {},
          validation_context_sds_secret_config: rootCaSds(files),
        },
      },
    },
  };
}

/**
 * The outbound mTLS transport socket (Istio's ISTIO_MUTUAL): the workload certificate as client certificate,
 * the server verified against the mesh's roots and required to hold one of `expectedSpiffeIds` as URI SAN (the
 * destination's service accounts, Istio's "secure naming"), and the SNI Istio sends,
 * `outbound_.<port>_.<subset>_.<fqdn>`. Returns a cluster's `transport_socket` (an UpstreamTlsContext inside).
 */
export function upstreamMtls(files: SecretFiles, expectedSpiffeIds: string[], sni: string): object {
  return {
    name: TLS_SOCKET,
    typed_config: {
      '@type': UPSTREAM,
      sni,
      common_tls_context: {
        tls_params: TLS_PARAMS,
        tls_certificate_sds_secret_configs: [workloadCertificateSds(files)],
        combined_validation_context: {
          default_validation_context: {
            match_typed_subject_alt_names: expectedSpiffeIds.map((id) => ({ san_type: 'URI', matcher: { exact: id } })),
          },
          validation_context_sds_secret_config: rootCaSds(files),
        },
      },
    },
  };
}

/** Istio's SNI for a mesh destination: `outbound_.<port>_.<subset>_.<fqdn>` (empty subset when none). */
export function outboundSni(port: number, subset: string, fqdn: string): string {
  return `outbound_.${port}_.${subset}_.${fqdn}`;
}
