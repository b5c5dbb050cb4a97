import { SIDECAR_PORTS, type ProxyFiles } from '../layout.ts';
import type { MeshPod } from '../snapshot.ts';
import { watchedFile } from '../../envoy/config-source.ts';
import { healthListener } from './inbound.ts';

export interface BootstrapOptions {
  clusterDomain?: string;
}

/**
 * A sidecar's Envoy bootstrap: listeners (LDS) and clusters (CDS) from the pod's watched files, the health
 * listener static, the admin interface on the pod's own address (`localIP:15000`, where the application could
 * reach it, as in a pod). The node is named as Istio names its sidecars, `sidecar~<podIP>~<pod>.<ns>~<ns>.svc.<domain>`,
 * its cluster `<app label or pod name>.<ns>` as Istio's default service cluster.
 * Start it with `--disable-hot-restart` (several Envoys share the host) and without `--service-node` or
 * `--service-cluster`, which would override the node's names.
 */
export function sidecarBootstrap(pod: MeshPod, files: ProxyFiles, opts: BootstrapOptions = {}): object {
  const domain = opts.clusterDomain ?? 'cluster.local';
  return {
    node: {
      id: `sidecar~${pod.podIP}~${pod.name}.${pod.namespace}~${pod.namespace}.svc.${domain}`,
      cluster: `${pod.labels.app ?? pod.name}.${pod.namespace}`,
    },
    admin: { address: { socket_address: { address: pod.localIP, port_value: SIDECAR_PORTS.admin } } },
    dynamic_resources: {
      lds_config: watchedFile(files.lds, files.ldsDir),
      cds_config: watchedFile(files.cds, files.cdsDir),
    },
    static_resources: { listeners: [healthListener(pod)] },
  };
}
