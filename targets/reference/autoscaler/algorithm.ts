/**
 * The KPA decision, as knative/serving pkg/autoscaler/scaling/autoscaler.go makes it on every tick: desired
 * pods from the stable- and panic-window averages, panic mode, scale-up and scale-down rate limits relative
 * to the ready pods, activation scale, scale-down delay, and the excess burst capacity. Pure and
 * deterministic: the caller passes the time and keeps the state.
 *
 * Bounds (min/max scale, initial scale) and scale to zero are applied afterwards, by the PodAutoscaler
 * reconciler (kpa-scale.ts), as in Knative.
 */
import type { RevisionScaling } from './scaling.ts';

/** What the decider reads of a revision's knobs (Knative's DeciderSpec). */
export type DeciderSpec = Pick<RevisionScaling,
  'targetValue' | 'totalValue' | 'targetBurstCapacity' | 'panicThreshold' | 'maxScaleUpRate' | 'maxScaleDownRate'
  | 'stableWindowMs' | 'scaleDownDelayMs' | 'reachable' | 'activationScale'>;

export interface DeciderState {
  /** When the panic began or was last extended; undefined when not panicking. */
  panicTimeMs: number | undefined;
  /** The most pods asked for during this panic: panic never scales down. */
  maxPanicPods: number;
  /** Recent desired scales for the scale-down delay (Knative's max.TimeWindow), by tick index. */
  delay: { index: number; pods: number }[];
}

/** The observed metric averaged over the stable and panic windows (the whole revision, not per pod). */
export interface Observed {
  stable: number;
  panic: number;
}

export interface Decision {
  /** False when there was no data to decide on: keep the previous decision. */
  valid: boolean;
  desired: number;
  /** Excess burst capacity: negative means the activator must stay in the path. */
  excessBurstCapacity: number;
  panicking: boolean;
  stable: number;
  panic: number;
  /** ceil(stable / target) and ceil(panic / target), before the rate limits. */
  desiredStable: number;
  desiredPanic: number;
  readyPods: number;
  atMs: number;
}

/** The tick the scale-down delay window counts in (Knative's tickInterval is 2 s; the reference ticks each second). */
export const DELAY_GRANULARITY_MS = 1000;

/**
 * A new decider starts in panic mode when the revision already runs more than one pod, so that a restarted
 * autoscaler keeps the scale until it has data (as Knative's newAutoscaler does).
 */
export function newDeciderState(readyPods: number, nowMs: number): DeciderState {
  return { panicTimeMs: readyPods > 1 ? nowMs : undefined, maxPanicPods: readyPods, delay: [] };
}

export function decide(state: DeciderState, spec: DeciderSpec, readyPodsCount: number, observed: Observed | undefined, nowMs: number): Decision {
  const base = { stable: 0, panic: 0, desiredStable: 0, desiredPanic: 0, readyPods: readyPodsCount, atMs: nowMs };
  if (!observed) {
    return { ...base, valid: false, desired: -1, excessBurstCapacity: 0, panicking: state.panicTimeMs !== undefined };
  }
  const { stable, panic } = observed;
  // With no ready pods, the rate limits are relative to one.
  const ready = Math.max(1, readyPodsCount);
  // At least one more pod when scaling up, however small the rate.
  const maxScaleUp = Math.ceil(spec.maxScaleUpRate * ready);
  const maxScaleDown = spec.reachable ? Math.floor(ready / spec.maxScaleDownRate) : 0;

  const dspc = Math.ceil(stable / spec.targetValue);
  const dppc = Math.ceil(panic / spec.targetValue);
  let desiredStable = Math.min(Math.max(dspc, maxScaleDown), maxScaleUp);
  let desiredPanic = Math.min(Math.max(dppc, maxScaleDown), maxScaleUp);
  if (spec.activationScale > 1) {
    if (dspc > 0 && spec.activationScale > desiredStable) desiredStable = spec.activationScale;
    if (dppc > 0 && spec.activationScale > desiredPanic) desiredPanic = spec.activationScale;
  }

  const overThreshold = dppc / ready >= spec.panicThreshold;
  if (overThreshold) {
    // Begin panicking, or extend the panic.
    state.panicTimeMs = nowMs;
  } else if (state.panicTimeMs !== undefined && state.panicTimeMs + spec.stableWindowMs < nowMs) {
    // The surge has made its way into the stable window: stop panicking.
    state.panicTimeMs = undefined;
    state.maxPanicPods = 0;
  }

  let desired = desiredStable;
  if (state.panicTimeMs !== undefined) {
    // Provision for the larger of the two; never scale down while panicking.
    desired = Math.max(desired, desiredPanic);
    if (desired > state.maxPanicPods) state.maxPanicPods = desired;
    desired = state.maxPanicPods;
  }

  if (spec.reachable && spec.scaleDownDelayMs > 0) desired = delayScaleDown(state, spec.scaleDownDelayMs, nowMs, desired);

  // Excess burst capacity from the panic value, so the activator does not flap in and out of the path.
  let ebc = -1;
  if (spec.targetBurstCapacity === 0) ebc = 0;
  else if (spec.targetBurstCapacity > 0) ebc = Math.floor(readyPodsCount * spec.totalValue - spec.targetBurstCapacity - panic);

  return {
    ...base, valid: true, desired, excessBurstCapacity: ebc, panicking: state.panicTimeMs !== undefined,
    stable, panic, desiredStable: dspc, desiredPanic: dppc,
  };
}

/**
 * The largest desired scale of the last `delayMs` (Knative's max.TimeWindow): a scale-down is applied only
 * once the lower demand has lasted that long. Two records in one tick keep the larger.
 */
function delayScaleDown(state: DeciderState, delayMs: number, nowMs: number, desired: number): number {
  const size = Math.ceil(delayMs / DELAY_GRANULARITY_MS);
  const index = Math.floor(nowMs / DELAY_GRANULARITY_MS);
  const sameTick = state.delay.find((e) => e.index === index);
  state.delay = state.delay.filter((e) => index - e.index < size && e.index !== index);
  state.delay.push({ index, pods: Math.max(desired, sameTick?.pods ?? desired) });
  return Math.max(...state.delay.map((e) => e.pods));
}
