import type { IDestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import type { IGateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import type { IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import type { MeshPod, MeshService, MeshSnapshot } from '../../snapshot.ts';

/** Small builders for outbound translation tests: objects as the API would hold them. */
export function pod(namespace: string, name: string, podIP: string, labels: Record<string, string>, more: Partial<MeshPod> = {}): MeshPod {
  return { namespace, name, labels, serviceAccount: labels.app ?? 'default', podIP, localIP: podIP, ready: true, meshed: false, containerPorts: [], ...more };
}

export function service(namespace: string, name: string, selector: Record<string, string>, ports: MeshService['ports'] = [{ name: 'http', port: 80, targetPort: 8080 }]): MeshService {
  return { namespace, name, selector, ports };
}

type VsSpec = NonNullable<IVirtualService['spec']>;
type DrSpec = NonNullable<IDestinationRule['spec']>;

export function virtualService(namespace: string, name: string, spec: VsSpec, creationTimestamp?: string): IVirtualService {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { namespace, name, ...(creationTimestamp ? { creationTimestamp } : {}) }, spec };
}

export function destinationRule(namespace: string, name: string, spec: DrSpec, creationTimestamp?: string): IDestinationRule {
  return { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { namespace, name, ...(creationTimestamp ? { creationTimestamp } : {}) }, spec };
}

type GwSpec = NonNullable<IGateway['spec']>;

export function gateway(namespace: string, name: string, spec: GwSpec, creationTimestamp?: string): IGateway {
  return { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { namespace, name, ...(creationTimestamp ? { creationTimestamp } : {}) }, spec };
}

export function snapshot(parts: Partial<MeshSnapshot>): MeshSnapshot {
  return {
    rootNamespace: 'istio-system', trustDomain: 'cluster.local', pods: [], services: [],
    peerAuthentications: [], authorizationPolicies: [], virtualServices: [], destinationRules: [], gateways: [], ...parts,
  };
}
