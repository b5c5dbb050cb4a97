import { ROOT_SECRET, WORKLOAD_SECRET, type ProxyFiles } from '../layout.ts';
import { watchedFile } from '../../envoy/config-source.ts';

// Envoy's SdsSecretConfigs for the two secrets identity/sds-files.ts writes, for the TLS contexts.

/** SDS reference to the workload's certificate and key: secret `default` from `files.certSecret`. */
export function workloadCertificateSds(files: Pick<ProxyFiles, 'certSecret' | 'sdsDir'>): object {
  return { name: WORKLOAD_SECRET, sds_config: watchedFile(files.certSecret, files.sdsDir) };
}

/** SDS reference to the mesh's trust anchors: secret `ROOTCA` from `files.rootSecret`. */
export function rootCaSds(files: Pick<ProxyFiles, 'rootSecret' | 'sdsDir'>): object {
  return { name: ROOT_SECRET, sds_config: watchedFile(files.rootSecret, files.sdsDir) };
}
