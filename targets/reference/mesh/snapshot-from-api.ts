import type { V1Pod, V1Service } from '@kubernetes/client-node';
import type { IDestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import type { IGateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import type { IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import type { IAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import type { IPeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { podLocalAddress } from '../kubelet/pod-network.ts';
// Injection marks a meshed pod with the tlsMode label and its istio-proxy container; istiod reads them the same way.
import { PROXY_CONTAINER, TLS_MODE_LABEL } from '../webhook/istio-injection.ts';
import { matches } from './xds/peer-authentication.ts';
import type { MeshPod, MeshService, MeshServicePort, MeshSnapshot } from './snapshot.ts';

export const EXCLUDE_INBOUND_PORTS = 'traffic.sidecar.istio.io/excludeInboundPorts';

export interface MeshObjects {
  pods: readonly V1Pod[];
  services: readonly V1Service[];
  peerAuthentications: readonly IPeerAuthentication[];
  authorizationPolicies: readonly IAuthorizationPolicy[];
  virtualServices: readonly IVirtualService[];
  destinationRules: readonly IDestinationRule[];
  gateways: readonly IGateway[];
}

const isReady = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** A running pod with an address of the reference's pod network as the mesh sees it; others are left out. */
export function meshPod(p: V1Pod): MeshPod | undefined {
  const podIP = p.status?.podIP;
  const phase = p.status?.phase;
  if (!podIP || phase === 'Succeeded' || phase === 'Failed' || p.spec?.hostNetwork) return undefined;
  const meshed = p.metadata?.labels?.[TLS_MODE_LABEL] === 'istio' && (p.spec?.containers ?? []).some((c) => c.name === PROXY_CONTAINER);
  let localIP = podIP;
  if (meshed) {
    try {
      localIP = podLocalAddress(podIP);
    } catch {
      return undefined; // not a pod of this reference's network
    }
  }
  return {
    namespace: p.metadata?.namespace ?? 'default',
    name: p.metadata?.name ?? '',
    labels: p.metadata?.labels ?? {},
    serviceAccount: p.spec?.serviceAccountName ?? 'default',
    podIP,
    localIP,
    ready: isReady(p) && p.metadata?.deletionTimestamp === undefined,
    meshed,
    excludeInboundPorts: (p.metadata?.annotations?.[EXCLUDE_INBOUND_PORTS] ?? '').split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0 && n < 65536),
    containerPorts: (p.spec?.containers ?? []).filter((c) => c.name !== PROXY_CONTAINER).flatMap((c) => (c.ports ?? []).filter((port) => (port.protocol ?? 'TCP') === 'TCP').map((port) => port.containerPort)),
  };
}

/** A named targetPort is looked up in the selected pods' container ports, as kube-proxy does per endpoint. */
function targetPortOf(port: NonNullable<NonNullable<V1Service['spec']>['ports']>[number], selected: readonly V1Pod[]): number | undefined {
  const t = port.targetPort;
  if (t === undefined) return port.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(t)) return Number(t);
  for (const p of selected) {
    for (const c of p.spec?.containers ?? []) {
      const found = c.ports?.find((cp) => cp.name === t);
      if (found) return found.containerPort;
    }
  }
  return undefined;
}

export function meshService(s: V1Service, pods: readonly V1Pod[]): MeshService | undefined {
  const selector = s.spec?.selector;
  if (!selector || s.spec?.type === 'ExternalName') return undefined;
  const namespace = s.metadata?.namespace ?? 'default';
  const selected = pods.filter((p) => (p.metadata?.namespace ?? 'default') === namespace && matches(selector, p.metadata?.labels ?? {}));
  const ports: MeshServicePort[] = [];
  for (const port of s.spec?.ports ?? []) {
    if ((port.protocol ?? 'TCP') !== 'TCP') continue;
    const targetPort = targetPortOf(port, selected);
    if (targetPort !== undefined) ports.push({ ...(port.name ? { name: port.name } : {}), port: port.port, targetPort });
  }
  return { namespace, name: s.metadata?.name ?? '', selector, ports };
}

export function buildMeshSnapshot(o: MeshObjects, settings: { rootNamespace: string; trustDomain: string }): MeshSnapshot {
  return {
    ...settings,
    pods: o.pods.flatMap((p) => meshPod(p) ?? []),
    services: o.services.flatMap((s) => meshService(s, o.pods) ?? []),
    peerAuthentications: [...o.peerAuthentications],
    authorizationPolicies: [...o.authorizationPolicies],
    virtualServices: [...o.virtualServices],
    destinationRules: [...o.destinationRules],
    gateways: [...o.gateways],
  };
}
