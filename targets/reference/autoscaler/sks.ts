/**
 * The revision's ServerlessService, as Knative's KPA makes it (MakeSKS), and its status as Knative's SKS
 * reconciler would write it. The reference has no Kubernetes Services for pods (they refuse loopback
 * addresses), so the autoscaler writes the status too: the gateway routes on it.
 */
import type { V1OwnerReference } from '@kubernetes/client-node';
import { conditionOf, setCondition, type Condition } from '../controller-runtime/conditions.ts';
import { PODAUTOSCALERS, SERVERLESSSERVICES, type SksMode } from '../serving/dataplane.ts';
import { ANNOTATION } from './annotations.ts';
import { SKS_CONDITION, type PodAutoscaler, type ServerlessService } from './types.ts';

/** One activator in the reference (Knative computes at least 2 from activator-capacity). */
export const NUM_ACTIVATORS = 1;

export function paOwnerRef(pa: PodAutoscaler): V1OwnerReference {
  return {
    apiVersion: PODAUTOSCALERS.apiVersion, kind: PODAUTOSCALERS.kind, name: pa.metadata?.name ?? '', uid: pa.metadata?.uid ?? '',
    controller: true, blockOwnerDeletion: true,
  };
}

export function privateServiceName(name: string): string {
  return `${name}-private`;
}

export function desiredSks(pa: PodAutoscaler, mode: SksMode): ServerlessService {
  const metric = pa.metadata?.annotations?.[ANNOTATION.metric[0]];
  return {
    apiVersion: SERVERLESSSERVICES.apiVersion,
    kind: SERVERLESSSERVICES.kind,
    metadata: {
      name: pa.metadata?.name ?? '',
      namespace: pa.metadata?.namespace ?? '',
      labels: { ...(pa.metadata?.labels ?? {}) },
      ...(metric !== undefined ? { annotations: { [ANNOTATION.metric[0]]: metric } } : {}),
      ownerReferences: [paOwnerRef(pa)],
    },
    spec: {
      mode,
      numActivators: NUM_ACTIVATORS,
      objectRef: { ...(pa.spec?.scaleTargetRef ?? {}) },
      protocolType: pa.spec?.protocolType || 'http1',
    },
  };
}

/** Whether the existing SKS lacks what `desired` says (spec, labels, owner). */
export function sksNeedsApply(existing: ServerlessService | undefined, desired: ServerlessService): boolean {
  if (!existing) return true;
  const a = existing.spec ?? {};
  const b = desired.spec ?? {};
  if (a.mode !== b.mode || a.numActivators !== b.numActivators || a.protocolType !== b.protocolType) return true;
  if (a.objectRef?.apiVersion !== b.objectRef?.apiVersion || a.objectRef?.kind !== b.objectRef?.kind || a.objectRef?.name !== b.objectRef?.name) return true;
  const labels = existing.metadata?.labels ?? {};
  if (Object.entries(desired.metadata?.labels ?? {}).some(([k, v]) => labels[k] !== v)) return true;
  return !(existing.metadata?.ownerReferences ?? []).some((r) => r.uid === desired.metadata?.ownerReferences?.[0]?.uid);
}

/**
 * SKS status: Ready with EndpointsPopulated (the activator or the pods answer), and
 * ActivatorEndpointsPopulated=True while the activator is in the path: in Proxy mode, or in Serve mode while
 * no pod is ready (Knative's SKS keeps the activator's endpoints until the pods have theirs). Its
 * lastTransitionTime is how long the activator has been in the path (Knative's ProxyFor).
 */
export function sksStatus(sks: ServerlessService, activatorInPath: boolean): NonNullable<ServerlessService['status']> {
  const name = sks.metadata?.name ?? '';
  let conditions: Condition[] = stripSeverity(sks.status?.conditions);
  conditions = setCondition(conditions, SKS_CONDITION.activatorEndpointsPopulated, activatorInPath ? 'True' : 'False',
    'ActivatorEndpointsPopulated', 'Revision is backed by Activator');
  conditions = setCondition(conditions, SKS_CONDITION.endpointsPopulated, 'True');
  conditions = setCondition(conditions, SKS_CONDITION.ready, 'True');
  conditions = conditions.map((c) => (c.type === SKS_CONDITION.activatorEndpointsPopulated ? { ...c, severity: 'Info' } : c));
  return {
    ...sks.status,
    observedGeneration: sks.metadata?.generation,
    serviceName: name,
    privateServiceName: privateServiceName(name),
    conditions,
  };
}

function stripSeverity(conditions: Condition[] | undefined): Condition[] {
  return (conditions ?? []).map(({ severity: _severity, ...c }) => c);
}

/** Since when the activator has been in the SKS's path, if it is. */
export function activatorInPathSince(sks: ServerlessService | undefined, timeMs: (t: unknown) => number | undefined): number | undefined {
  const c = conditionOf(sks?.status?.conditions, SKS_CONDITION.activatorEndpointsPopulated);
  return c?.status === 'True' ? timeMs(c.lastTransitionTime) : undefined;
}
