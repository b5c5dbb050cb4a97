/**
 * The autoscaling requirements' bounds, derived from the target's config-autoscaler (../config-autoscaler.ts)
 * as Knative's Pod Autoscaler works: its windows, its 2 s decisions and scale rates, and slack.
 */
import type { AutoscalerSettings } from '../config-autoscaler.ts';

/** Knative's autoscaler decides every 2 s (its ticker; not configurable): one step of a scale change. */
export const DECISION_INTERVAL_S = 2;
/** Knative's metric buckets are 1 s wide: a window's edge is known to within a bucket. */
export const BUCKET_S = 1;

/** Where every bound's values come from, as the requirements' declarations state it. */
export const CONFIG = 'knative-serving/config-autoscaler (Knative\'s default for an absent key)';
/** slackS, as the requirements' declarations state it. */
export const SLACK = 'slack = max(2 s, 10% of the derived time)';

/** The panic window: a percentage of the stable window, at least one metric bucket (Knative's MakeMetric). */
export function panicWindowS(s: AutoscalerSettings): number {
  return Math.max(BUCKET_S, (s.stableWindowS * s.panicWindowPercentage) / 100);
}

/**
 * The concurrency per pod the KPA aims for with the `autoscaling.knative.dev/target` annotation `target`
 * and containerConcurrency 0: target x container-concurrency-target-percentage (Knative's
 * ResolveMetricTarget), at least 0.01.
 */
export function perPodTarget(s: AutoscalerSettings, target: number): number {
  return Math.max(0.01, target * s.targetUtilization);
}

/**
 * Slack on every timing bound: what the windows do not account for (a decision's tick, the API's and the
 * watch's propagation, a pod's termination being seen): 10% of the derived time, at least 2 s.
 */
export function slackS(baseS: number): number {
  return Math.max(2, 0.1 * baseS);
}

/** Decisions a scale change from `from` to `to` pods takes when each may change the ready pods by at most `rate`x. */
export function rateSteps(from: number, to: number, rate: number): number {
  const a = Math.max(1, Math.min(from, to));
  const b = Math.max(1, Math.max(from, to));
  if (b <= a) return 0;
  return Math.max(1, Math.ceil(Math.log(b / a) / Math.log(rate) - 1e-9));
}

export const round2 = (x: number): number => Math.round(x * 100) / 100;

export interface ScaleUpBound {
  seconds: number;
  /** The window the KPA decides on: the panic window when the load is over the panic threshold. */
  mode: 'panic' | 'stable';
  windowS: number;
  steps: number;
  podStartS: number;
  explain: string;
}

/**
 * How long the KPA may take to bring `from` ready pods to `to` under a step of load worth `to` pods:
 * the window it decides on fills (the panic window when to / from reaches panic-threshold-percentage, as
 * Knative enters panic mode then; else the stable window), then ceil(log_{max-scale-up-rate}(to / from))
 * decisions, each a 2 s tick and a pod start, then slack.
 */
export function scaleUpBound(s: AutoscalerSettings, from: number, to: number, podStartS: number): ScaleUpBound {
  const mode = to / Math.max(1, from) >= s.panicThreshold ? 'panic' : 'stable';
  const windowS = mode === 'panic' ? panicWindowS(s) : s.stableWindowS;
  const steps = Math.max(1, rateSteps(from, to, s.maxScaleUpRate));
  const base = windowS + steps * (DECISION_INTERVAL_S + podStartS);
  const seconds = round2(base + slackS(base));
  return {
    seconds, mode, windowS, steps, podStartS: round2(podStartS),
    explain: `${mode} window ${round2(windowS)} s + ${steps} x (2 s decision + ${round2(podStartS)} s pod start) + slack ${round2(slackS(base))} s`,
  };
}
