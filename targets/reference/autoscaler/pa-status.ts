/**
 * The PodAutoscaler's status as Knative's KPA reconciler writes it: desiredScale (kept when the decider has
 * no data yet), actualScale (ready pods), serviceName / metricsServiceName, and the conditions Active,
 * ScaleTargetInitialized, SKSReady summarised into Ready (a living condition set: Ready is False with
 * reason NoTraffic at zero, as `kubectl get kpa` shows on a cluster).
 */
import { conditionOf, setCondition, summarise, type Condition } from '../controller-runtime/conditions.ts';
import type { KpaPlan } from './kpa-scale.ts';
import { privateServiceName } from './sks.ts';
import { PA_CONDITION, type PodAutoscaler, type PodAutoscalerStatus } from './types.ts';

const DEPENDENTS = [PA_CONDITION.active, PA_CONDITION.scaleTargetInitialized, PA_CONDITION.sksReady];

export function paStatus(pa: PodAutoscaler, plan: KpaPlan, readyPods: number, sksReady: boolean): PodAutoscalerStatus {
  const prev = pa.status ?? {};
  const name = pa.metadata?.name ?? '';
  let conditions: Condition[] = prev.conditions ?? [];
  for (const t of DEPENDENTS) if (!conditionOf(conditions, t)) conditions = setCondition(conditions, t, 'Unknown');
  if (plan.active) conditions = setCondition(conditions, PA_CONDITION.active, plan.active.status, plan.active.reason, plan.active.message);
  if (plan.scaleTargetInitialized) conditions = setCondition(conditions, PA_CONDITION.scaleTargetInitialized, 'True');
  conditions = sksReady
    ? setCondition(conditions, PA_CONDITION.sksReady, 'True')
    : setCondition(conditions, PA_CONDITION.sksReady, 'Unknown', 'NotReady', 'No Private Service Name');
  conditions = summarise(conditions, PA_CONDITION.ready, DEPENDENTS);
  const keep = plan.want === -1 && (prev.desiredScale ?? -1) >= 0;
  return {
    ...prev,
    observedGeneration: pa.metadata?.generation,
    conditions,
    serviceName: name,
    metricsServiceName: privateServiceName(name),
    desiredScale: keep ? prev.desiredScale : plan.want,
    actualScale: readyPods,
  };
}

