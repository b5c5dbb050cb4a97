import type { RequirementDeclaration } from '../../../harness/requirements/types.ts';

const CONFIG = 'knative-serving/config-autoscaler (Knative\'s default for an absent key)';
const SLACK = 'slack = max(2 s, 10% of the derived time)';

/**
 * The serving layer's autoscaling requirements (Knative Pod Autoscaler semantics), each implemented by one
 * spec file in this folder. Every bound derives from the target's own config-autoscaler and the annotations
 * the requirement applies; a missed bound leaves the timeline (desired / actual / ready pods) as evidence.
 */
export const AUTOSCALING: RequirementDeclaration[] = [
  {
    id: 'SERVING.SCALE.TO-ZERO',
    level: 'MUST',
    layer: 'serving',
    title: 'After traffic stops, a revision\'s ready pods reach zero within the stable window, the scale-to-zero grace period and the pod retention period (and SHOULD NOT before the stable window)',
    upstream:
      'Knative Serving docs, "Configuring scale to zero" (enable-scale-to-zero, scale-to-zero-grace-period, scale-to-zero-pod-retention-period) and "Additional autoscaling configuration for Knative Pod Autoscaler" (stable window)',
    bound: `zero ready pods within stable-window + scale-to-zero-grace-period + scale-to-zero-pod-retention-period + slack after the last request ended (${SLACK}); SHOULD not before stable-window - 1 s (one metric bucket); all from ${CONFIG}; not-applicable when enable-scale-to-zero is false`,
    parallel: true,
  },
  {
    id: 'SERVING.SCALE.MIN-SCALE',
    level: 'MUST',
    layer: 'serving',
    title: 'An idle revision with autoscaling.knative.dev/min-scale never has fewer ready pods than min-scale',
    upstream: 'Knative Serving docs, "Configuring scale bounds", Lower bound (autoscaling.knative.dev/min-scale)',
    bound: `min-scale 2 (annotation) reached within slack of Ready, then no fewer ready pods while idle for stable-window + scale-to-zero-grace-period + scale-to-zero-pod-retention-period + slack (${SLACK}; from ${CONFIG})`,
    parallel: true,
  },
  {
    id: 'SERVING.SCALE.MAX-SCALE',
    level: 'MUST',
    layer: 'serving',
    title: 'A revision with autoscaling.knative.dev/max-scale never runs more pods than max-scale under load that wants more',
    upstream: 'Knative Serving docs, "Configuring scale bounds", Upper bound (autoscaling.knative.dev/max-scale)',
    bound: `max-scale 2 (annotation); never more live pods, and the PodAutoscaler never desires more, while k6 offers 2 x max-scale pods' worth of concurrency (per-pod target = the target annotation x container-concurrency-target-percentage) for as long as SERVING.SCALE.UP allows a scale-up to take; inconclusive when the load fell short or max-scale was never reached`,
  },
  {
    id: 'SERVING.SCALE.UP',
    level: 'MUST',
    layer: 'serving',
    title: 'Under constant-arrival-rate load worth N pods\' concurrency target, a revision\'s ready pods reach N within a bound derived from the autoscaling windows and max-scale-up-rate, with no 5xx',
    upstream:
      'Knative Serving docs, "Configuring concurrency" (autoscaling.knative.dev/target, container-concurrency-target-percentage) and "Additional autoscaling configuration for Knative Pod Autoscaler" (stable and panic modes, panic window and threshold, max-scale-up-rate)',
    bound: `N = ceil(offered concurrency / (target annotation x container-concurrency-target-percentage)); ready pods >= N within W + steps x 2 s + pod start + slack of the load's start, where W is the panic window (stable-window x panic-window-percentage, >= 1 s) when N / ready >= panic-threshold-percentage, else the stable window; steps = ceil(log_{max-scale-up-rate}(N / ready)) decisions of Knative's 2 s tick; pod start = the slowest start (seen -> Ready) of this revision's pods that became ready under the load (SCALE.UP judges the autoscaler, the cold-start requirements judge pod starts); ${SLACK}; from ${CONFIG}; zero 5xx; inconclusive when the load generator fell short`,
  },
  {
    id: 'SERVING.SCALE.DOWN',
    level: 'MUST',
    layer: 'serving',
    title: 'After load drops, a revision\'s ready pods fall back to the new need within the stable window and the scale-down rate, and never below what the stable window\'s average justifies',
    upstream:
      'Knative Serving docs, "Additional autoscaling configuration for Knative Pod Autoscaler" (stable window, max-scale-down-rate) and "Configuring scale bounds" (scale-down-delay)',
    bound: `ready pods <= M = ceil(low concurrency / per-pod target) within stable-window + scale-down-delay + ceil(log_{max-scale-down-rate}(N / M)) x 2 s + slack of the drop (${SLACK}); whenever ready pods fall after the drop, ready pods >= ceil(the concurrency the load imposed (k6's requests from their start, each for at most the probe's hold) averaged over the stable window ending 1 s (a bucket) later / per-pod target); from ${CONFIG}; inconclusive when the load never raised the revision above M`,
  },
];
