/**
 * The autoscaler's mutants (`--mutant NAME`), each a small pure change of one decision, gated by the caller on
 * `mutants.has(NAME)`. never-scales-to-zero and ignores-max-scale live in kpa-scale.ts.
 *
 * - `ignores-min-scale`: autoscaling.knative.dev/min-scale (and config min-scale) is not applied.
 * - `slow-scale-up`: scale-up is capped at one pod more per stable window.
 * - `scales-down-early`: no stable-window delay: the decider's stable window is the panic window, so a
 *   drop in load scales down (and ends a panic) as soon as the panic window sees it.
 */
import type { Decision, Observed } from './algorithm.ts';
import type { RevisionScaling } from './scaling.ts';

export function ignoringMinScale(scaling: RevisionScaling): RevisionScaling {
  return { ...scaling, minScale: 0 };
}

/** What scales-down-early decides on: the panic window's average and length in place of the stable window's. */
export function earlyScaleDown(scaling: RevisionScaling, observed: Observed | undefined): [RevisionScaling, Observed | undefined] {
  return [{ ...scaling, stableWindowMs: scaling.panicWindowMs }, observed && { ...observed, stable: observed.panic }];
}

/** slow-scale-up's memory per revision: the most pods granted, and when the last one was. */
export interface SlowScaleUp {
  granted: number;
  atMs: number;
}

/** Caps a decision's scale-up at one pod more than granted before, once per stable window. */
export function slowScaleUp(state: SlowScaleUp | undefined, d: Decision, ready: number, stableWindowMs: number, nowMs: number): SlowScaleUp {
  const s = state ?? { granted: Math.max(1, ready), atMs: Number.NEGATIVE_INFINITY };
  if (!d.valid) return s;
  if (d.desired > s.granted && nowMs - s.atMs >= stableWindowMs) {
    s.granted += 1;
    s.atMs = nowMs;
  }
  if (d.desired > s.granted) d.desired = s.granted;
  else s.granted = Math.max(1, d.desired, ready);
  return s;
}
