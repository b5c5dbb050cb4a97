import { DestinationRule, type IDestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import { Gateway, type IGateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import { VirtualService, type IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import { AuthorizationPolicy, type IAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';

/** Istio's resources as a platform team writes them, validated by @kubernetes-models before they are sent. */

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/** A PeerAuthentication for the pods of one app (workload selector), so requirements do not affect each other. */
export function peerAuthentication(name: string, app: string, mode: MtlsMode): PeerAuthentication {
  const pa = new PeerAuthentication({ metadata: { name }, spec: { selector: { matchLabels: { app } }, mtls: { mode } } });
  pa.validate();
  return pa;
}

type AuthzSpec = NonNullable<IAuthorizationPolicy['spec']>;

export function authorizationPolicy(name: string, app: string, action: 'ALLOW' | 'DENY', rules: NonNullable<AuthzSpec['rules']>): AuthorizationPolicy {
  const ap = new AuthorizationPolicy({ metadata: { name }, spec: { selector: { matchLabels: { app } }, action, rules } });
  ap.validate();
  return ap;
}

export function virtualService(name: string, spec: NonNullable<IVirtualService['spec']>): VirtualService {
  const vs = new VirtualService({ metadata: { name }, spec });
  vs.validate();
  return vs;
}

export function destinationRule(name: string, spec: NonNullable<IDestinationRule['spec']>): DestinationRule {
  const dr = new DestinationRule({ metadata: { name }, spec });
  dr.validate();
  return dr;
}

export function gateway(name: string, spec: NonNullable<IGateway['spec']>): Gateway {
  const gw = new Gateway({ metadata: { name }, spec });
  gw.validate();
  return gw;
}

/** Istio's principal for a service account: `<trust domain>/ns/<namespace>/sa/<name>`. */
export function principal(namespace: string, serviceAccount: string, trustDomain = 'cluster.local'): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}
