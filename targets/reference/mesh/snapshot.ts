import type { IDestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import type { IGateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import type { IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import type { IAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import type { IPeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';

/**
 * What the mesh control plane reads from the API, reduced to what the translation to Envoy needs. The mesh
 * controller builds it from informers; the translation (`xds/`) is a pure function of it.
 */
export interface MeshSnapshot {
  /** Istio's root namespace: a PeerAuthentication or AuthorizationPolicy here applies mesh-wide. */
  rootNamespace: string;
  /** The SPIFFE trust domain: identities are `spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>`. */
  trustDomain: string;
  pods: MeshPod[];
  services: MeshService[];
  peerAuthentications: IPeerAuthentication[];
  authorizationPolicies: IAuthorizationPolicy[];
  virtualServices: IVirtualService[];
  destinationRules: IDestinationRule[];
  /** Istio Gateways: which of them apply to the ingress gateway, and on which ports and hosts (xds/gateway-servers.ts). */
  gateways: IGateway[];
}

/** A running pod (with a pod IP). Meshed pods have a sidecar; others are plain endpoints. */
export interface MeshPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  serviceAccount: string;
  /** The pod's address: what other pods connect to. A meshed pod's sidecar owns its ports here. */
  podIP: string;
  /**
   * Where the pod's own containers listen when it is meshed (the sidecar forwards inbound traffic here):
   * all pods share the host's loopback, so the pod IP's ports belong to the sidecar and the application binds
   * a second address of its own. Equal to `podIP` for a pod without a sidecar.
   */
  localIP: string;
  ready: boolean;
  meshed: boolean;
  /** Ports the pod's application containers declare (`containerPort`, TCP). */
  containerPorts: number[];
  /**
   * Inbound ports the sidecar does not capture (annotation `traffic.sidecar.istio.io/excludeInboundPorts`): a
   * connection to them reaches the application as if there were no mesh.
   */
  excludeInboundPorts?: number[];
}

export interface MeshServicePort {
  name?: string;
  port: number;
  /** Resolved to a number (a named targetPort is looked up in the pods' container ports by the controller). */
  targetPort: number;
}

export interface MeshService {
  namespace: string;
  name: string;
  /** Pods whose labels include all of these are the service's endpoints; a service without one has none. */
  selector: Record<string, string>;
  ports: MeshServicePort[];
}

/** `<name>.<namespace>.svc.<domain>`: the host a service is known by in the mesh. */
export function serviceFqdn(s: Pick<MeshService, 'name' | 'namespace'>, clusterDomain = 'cluster.local'): string {
  return `${s.name}.${s.namespace}.svc.${clusterDomain}`;
}

export function spiffeId(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}
