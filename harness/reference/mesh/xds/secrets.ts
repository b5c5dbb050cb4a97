import { ROOT_SECRET, WORKLOAD_SECRET, type ProxyFiles } from '../layout.ts';
import { watchedFile } from './config-source.ts';

export const SECRET_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';

/** SDS reference to the workload's certificate and key: secret `default` from `files.certSecret`. */
export function workloadCertificateSds(files: Pick<ProxyFiles, 'certSecret' | 'sdsDir'>): object {
  return { name: WORKLOAD_SECRET, sds_config: watchedFile(files.certSecret, files.sdsDir) };
}

/** SDS reference to the mesh's trust anchors: secret `ROOTCA` from `files.rootSecret`. */
export function rootCaSds(files: Pick<ProxyFiles, 'rootSecret' | 'sdsDir'>): object {
  return { name: ROOT_SECRET, sds_config: watchedFile(files.rootSecret, files.sdsDir) };
}

/** The discovery response `files.certSecret` holds: the workload's chain (leaf first) and private key, PEM. */
export function workloadCertificateResponse(certChainPem: string, keyPem: string, version: string): object {
  return {
    version_info: version,
    resources: [{
      '@type': SECRET_TYPE,
      name: WORKLOAD_SECRET,
      tls_certificate: { certificate_chain: { inline_string: certChainPem }, private_key: { inline_string: keyPem } },
    }],
  };
}

/** The discovery response `files.rootSecret` holds: the trust anchors, PEM (one or more certificates). */
export function rootCaResponse(trustAnchorsPem: string, version: string): object {
  return {
    version_info: version,
    resources: [{ '@type': SECRET_TYPE, name: ROOT_SECRET, validation_context: { trusted_ca: { inline_string: trustAnchorsPem } } }],
  };
}
