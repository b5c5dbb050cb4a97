/**
 * What the PodAutoscaler reconciler does with the decider's desired scale, as knative/serving
 * pkg/reconciler/autoscaling/kpa/{scaler.go,kpa.go} do it: min/max scale and initial scale bounds, the
 * scale-to-zero state machine (active for a stable window -> inactive -> activator in the path for the grace
 * period and the last pod kept for its retention period -> zero), the Active and ScaleTargetInitialized
 * conditions and the ServerlessService mode. Pure: times come in, the plan goes out.
 */
import type { SksMode } from '../serving/dataplane.ts';
import type { RevisionScaling } from './scaling.ts';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface ActiveCondition {
  status: ConditionStatus;
  reason?: string;
  message?: string;
}

export interface KpaInput {
  nowMs: number;
  scaling: RevisionScaling;
  /** The decider's desired scale (-1: no decision yet) and excess burst capacity. */
  decider: { desired: number; excessBurstCapacity: number };
  /** The PA's Active condition and since when it has had that status (its lastTransitionTime). */
  active: { status: ConditionStatus; sinceMs: number };
  scaleTargetInitialized: boolean;
  /** The PA's status.serviceName is set (its ServerlessService exists). */
  hasServiceName: boolean;
  /** Since when the activator has been in the revision's path (SKS ActivatorEndpointsPopulated=True), if it is. */
  proxySinceMs: number | undefined;
  /** The scale target's spec.replicas (undefined counts as 1, as in Knative). */
  replicas: number | undefined;
  readyPods: number;
  /** Mutants: never below one pod; max-scale not applied. */
  neverScalesToZero?: boolean;
  ignoresMaxScale?: boolean;
}

export interface KpaPlan {
  /** The scale the PA wants (-1: unknown yet): status.desiredScale. */
  want: number;
  /** Patch the scale target's replicas to this; undefined: leave it. */
  scaleTo: number | undefined;
  /** Reconcile again after this long (a scale-to-zero timer is running). */
  requeueAfterMs: number | undefined;
  mode: SksMode;
  /** The Active condition to set; undefined: leave it as it is. */
  active: ActiveCondition | undefined;
  scaleTargetInitialized: boolean;
  /** Why the plan is what it is, for logs and events. */
  note: string;
}

const NO_TRAFFIC: ActiveCondition = { status: 'False', reason: 'NoTraffic', message: 'The target is not receiving traffic.' };
const TIMED_OUT: ActiveCondition = { status: 'False', reason: 'TimedOut', message: 'The target could not be activated.' };
const QUEUED: ActiveCondition = {
  status: 'Unknown', reason: 'Queued', message: 'Requests to the target are being buffered as resources are provisioned.',
};

/** Knative's applyBounds: pre 0 <= min <= max (max 0 = unbounded). */
export function applyBounds(min: number, max: number, x: number): number {
  if (x < min) return min;
  if (max !== 0 && x > max) return max;
  return x;
}

interface ScaleStep {
  want: number;
  apply: boolean;
  requeueAfterMs?: number;
  note: string;
}

export function planKpa(input: KpaInput): KpaPlan {
  const step = scale(input);
  const current = input.replicas ?? 1;
  const scaleTo = step.apply && step.want >= 0 && step.want !== current ? step.want : undefined;

  // The mode: the activator leaves the path only when pods are wanted and there is burst capacity to spare.
  let mode: SksMode = 'Proxy';
  if (step.want === -1 && input.active.status === 'False') mode = 'Proxy';
  else if (step.want > 0 && input.decider.excessBurstCapacity >= 0) mode = 'Serve';

  const { active, scaleTargetInitialized } = activeCondition(input, step.want);
  return { want: step.want, scaleTo, requeueAfterMs: step.requeueAfterMs, mode, active, scaleTargetInitialized, note: step.note };
}

/** scaler.scale: bounds, initial scale, then the scale-to-zero checks. */
function scale(input: KpaInput): ScaleStep {
  const { scaling, decider } = input;
  let desired = decider.desired;
  if (desired < 0 && input.active.status !== 'Unknown') return { want: desired, apply: false, note: 'no metrics yet' };

  let min = scaling.minScale;
  const max = input.ignoresMaxScale ? 0 : scaling.maxScale;
  // Until an initial scale above 1 has been reached, it is a floor (not for a revision nothing routes to).
  // One pod is the Deployment's own start (the revision reconciler creates it at the initial scale).
  if (scaling.initialScale > 1 && !input.scaleTargetInitialized && scaling.reachable) min = Math.max(min, scaling.initialScale);
  desired = applyBounds(min, max, desired);
  return scaleToZero(input, desired);
}

/** handleScaleToZero. */
function scaleToZero(input: KpaInput, desired: number): ScaleStep {
  if (desired !== 0) return { want: desired, apply: true, note: 'scale' };
  const { scaling, nowMs } = input;
  if (!scaling.enableScaleToZero || input.neverScalesToZero) return { want: 1, apply: true, note: 'scale to zero disabled' };

  const inStatusFor = nowMs - input.active.sinceMs;
  switch (input.active.status) {
    case 'Unknown':
      // Stuck activating for longer than the progress deadline: give up, scale to zero.
      if (inStatusFor > scaling.activationTimeoutMs) return { want: 0, apply: true, note: 'activation timed out' };
      return { want: -1, apply: false, requeueAfterMs: scaling.activationTimeoutMs - inStatusFor + 1, note: 'activating' };
    case 'True': {
      // Active for a whole stable window: go inactive (not yet to zero).
      if (inStatusFor >= scaling.stableWindowMs) return { want: 0, apply: false, note: 'deactivating' };
      // Otherwise keep one pod for the rest of the stable window.
      return { want: 1, apply: true, requeueAfterMs: scaling.stableWindowMs - inStatusFor, note: 'active for less than a stable window' };
    }
    case 'False': {
      // The activator must be in the path first (Knative probes it; here the SKS says so).
      const activatorInPath = scaling.targetBurstCapacity === -1 || input.proxySinceMs !== undefined;
      if (!activatorInPath) return { want: 0, apply: false, requeueAfterMs: 1000, note: 'waiting for the activator to be in the path' };
      const lastPod = scaling.reachable ? scaling.retentionMs : 0;
      if (inStatusFor >= Math.max(scaling.gracePeriodMs, lastPod)) return { want: 0, apply: true, note: 'inactive for the grace and retention periods' };
      if (lastPod > 0 && inStatusFor < lastPod) {
        return { want: 0, apply: false, requeueAfterMs: lastPod - inStatusFor, note: 'keeping the last pod for its retention period' };
      }
      // Fast path: the activator has been in the path for the grace period already.
      const proxyFor = input.proxySinceMs === undefined ? 0 : nowMs - input.proxySinceMs;
      const wait = scaling.gracePeriodMs - proxyFor;
      if (wait <= 0) return { want: 0, apply: true, note: 'activator in the path for the grace period' };
      return { want: 0, apply: false, requeueAfterMs: wait, note: 'waiting for the grace period' };
    }
  }
}

/** computeActiveCondition, and ScaleTargetInitialized once the ready pods reach the activation threshold. */
function activeCondition(input: KpaInput, want: number): { active: ActiveCondition | undefined; scaleTargetInitialized: boolean } {
  const { scaling } = input;
  const minReady = input.scaleTargetInitialized ? Math.max(scaling.minScale, 1) : Math.max(scaling.minScale, scaling.initialScale);
  const ready = input.readyPods;
  const scaleTargetInitialized = input.scaleTargetInitialized || (ready >= minReady && input.hasServiceName);
  let active: ActiveCondition | undefined;
  if (want === 0 || minReady === 0) {
    active = input.active.status === 'Unknown' && minReady > 0 ? TIMED_OUT : NO_TRAFFIC;
  } else if (ready < minReady) {
    active = want > 0 || input.active.status !== 'False' ? QUEUED : NO_TRAFFIC;
  } else if (want > 0 || input.active.status !== 'False') {
    active = { status: 'True' };
  }
  return { active, scaleTargetInitialized };
}
