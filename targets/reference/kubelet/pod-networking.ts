import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { podLocalAddress } from './pod-network.ts';
import type { WorkloadImages } from './workloads.ts';

/**
 * What a pod's network means for each of its containers. A pod is meshed when one of its containers runs the
 * image map's mesh sidecar. Then, as a network namespace with Istio's traffic capture would arrange it:
 * - the sidecar binds the pod IP, where other pods connect, and so sees every inbound connection;
 * - the other containers bind the pod's local address (`podLocalAddress`), where the sidecar forwards, and
 *   reach other services through the sidecar's outbound listener, named to them as their HTTP proxy (the
 *   reference cannot redirect their connections without iptables).
 */
export interface PodNetworking {
  meshed: boolean;
  of(container: V1Container): { bindIP: string; env: Readonly<Record<string, string>> };
}

/** The sidecar's outbound listener: Istio's outbound capture port. */
export const MESH_OUTBOUND_PORT = 15001;

export function podNetworkFor(pod: V1Pod, podIP: string, images: WorkloadImages, sidecarEnv: Readonly<Record<string, string>>): PodNetworking {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const isSidecar = (c: V1Container) => images.find(c.image ?? '')?.meshSidecar === true;
  const meshed = containers.some(isSidecar) && podIP !== '127.0.0.1' && pod.spec?.hostNetwork !== true;
  if (!meshed) return { meshed, of: () => ({ bindIP: podIP, env: {} }) };
  const localIP = podLocalAddress(podIP);
  const proxy = `http://${podIP}:${MESH_OUTBOUND_PORT}`;
  return {
    meshed,
    of: (c) => (isSidecar(c) ? { bindIP: podIP, env: sidecarEnv } : { bindIP: localIP, env: { HTTP_PROXY: proxy, http_proxy: proxy } }),
  };
}
