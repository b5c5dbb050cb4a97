/**
 * The autoscaler's decisions as Events on the PodAutoscaler: ScaleUp / ScaleDown when the desired scale
 * changes, PanicStarted / PanicEnded when panic mode does, ScaledToZero when the last pod is removed. The
 * message is a sentence, then `key=value` fields a suite can parse:
 *
 *   Scaling from 2 to 5 pods: at=2025-01-01T10:00:00.500Z previous=2 desired=5 actual=2 metric=concurrency
 *   stable=12.500 panic=30.000 target=7.000 panicking=true
 *
 * (stable and panic are the revision's observed metric averaged over the stable and panic windows; target
 * is per pod; actual is the ready pods.)
 */
import type { Decision } from './algorithm.ts';
import type { EventSpec } from './events.ts';
import type { RevisionScaling } from './scaling.ts';

export interface DecisionContext {
  atMs: number;
  previous: number;
  desired: number;
  actual: number;
  decision: Decision | undefined;
  scaling: Pick<RevisionScaling, 'metric' | 'targetValue'>;
  panicking: boolean;
}

export function decisionFields(c: DecisionContext): string {
  const f = (n: number | undefined) => (n === undefined ? 'unknown' : n.toFixed(3));
  return [
    `at=${new Date(c.atMs).toISOString()}`, `previous=${c.previous}`, `desired=${c.desired}`, `actual=${c.actual}`,
    `metric=${c.scaling.metric}`, `stable=${f(c.decision?.valid ? c.decision.stable : undefined)}`,
    `panic=${f(c.decision?.valid ? c.decision.panic : undefined)}`, `target=${f(c.scaling.targetValue)}`, `panicking=${c.panicking}`,
  ].join(' ');
}

/** Events for a change of the desired scale and of panic mode. */
export function decisionEvents(c: DecisionContext & { wasPanicking: boolean }): EventSpec[] {
  const out: EventSpec[] = [];
  const fields = decisionFields(c);
  if (c.panicking && !c.wasPanicking) {
    out.push({ type: 'Normal', reason: 'PanicStarted', message: `Panic mode started: ${fields}`, aggregateKey: 'panic' });
  }
  if (!c.panicking && c.wasPanicking) {
    out.push({ type: 'Normal', reason: 'PanicEnded', message: `Panic mode ended: ${fields}`, aggregateKey: 'panic' });
  }
  if (c.desired >= 0 && c.desired !== c.previous) {
    const up = c.desired > c.previous;
    const why = c.desired === 0 ? ' (to zero once the grace and retention periods have passed)' : '';
    out.push({
      type: 'Normal', reason: up ? 'ScaleUp' : 'ScaleDown', message: `Scaling from ${c.previous} to ${c.desired} pods${why}: ${fields}`,
      aggregateKey: `${c.previous}->${c.desired}`,
    });
  }
  return out;
}

export function scaledToZeroEvent(c: DecisionContext & { why: string }): EventSpec {
  return { type: 'Normal', reason: 'ScaledToZero', message: `Scaled to zero, ${c.why}: ${decisionFields(c)}`, aggregateKey: 'zero' };
}
