/**
 * One revision's autoscaling knobs: config-autoscaler overridden by the PodAutoscaler's annotations and
 * containerConcurrency, resolved as Knative's MakeDecider, MakeMetric, ResolveMetricTarget, ScaleBounds,
 * GetInitialScale and lastPodRetention resolve them.
 */
import { readAnnotation, type Annotations, type AnnotationName } from './annotations.ts';
import { BUCKET_MS, LIMITS, type AutoscalerConfig } from './config.ts';
import type { Reachability } from './types.ts';

export type ScalingMetric = 'concurrency' | 'rps';

/** Knative's config-deployment progress-deadline default; activation fails after it plus a 30 s buffer. */
export const DEFAULT_PROGRESS_DEADLINE_MS = 600_000;
export const ACTIVATION_TIMEOUT_BUFFER_MS = 30_000;

export interface RevisionScaling {
  metric: ScalingMetric;
  /** The metric's value per pod that the autoscaler aims for: total x utilization, at least 0.01. */
  targetValue: number;
  /** The most a pod may take: containerConcurrency, the target annotation or the default. */
  totalValue: number;
  targetBurstCapacity: number;
  /** The panic threshold as a multiple of ready pods (200% -> 2). */
  panicThreshold: number;
  stableWindowMs: number;
  /** stable window x panic-window-percentage, rounded to the second, at least a bucket. */
  panicWindowMs: number;
  scaleDownDelayMs: number;
  /** activation-scale, 0 when not set. */
  activationScale: number;
  /** 0 when the revision is unreachable (Knative ignores min-scale then). */
  minScale: number;
  /** 0 = unbounded. */
  maxScale: number;
  initialScale: number;
  /** The scale-to-zero pod retention period; 0 when the revision is unreachable. */
  retentionMs: number;
  reachable: boolean;
  maxScaleUpRate: number;
  maxScaleDownRate: number;
  enableScaleToZero: boolean;
  gracePeriodMs: number;
  activationTimeoutMs: number;
}

export interface ScalingInput {
  annotations: Annotations;
  /** spec.containerConcurrency: 0 = unlimited. */
  containerConcurrency: number;
  reachability: Reachability | undefined;
}

export function resolveScaling(pa: ScalingInput, config: AutoscalerConfig): RevisionScaling {
  const num = (name: AnnotationName): number | undefined => {
    const v = readAnnotation(pa.annotations, name, config);
    return typeof v === 'number' ? v : undefined;
  };
  const metricAnnotation = readAnnotation(pa.annotations, 'metric', config);
  const metric: ScalingMetric = metricAnnotation === 'rps' ? 'rps' : 'concurrency';
  const cc = Math.max(0, pa.containerConcurrency);

  // ResolveMetricTarget.
  let total: number;
  let utilization: number;
  if (metric === 'rps') {
    total = config.rpsTargetDefault;
    utilization = config.targetUtilization;
  } else {
    total = cc === 0 ? config.containerConcurrencyTargetDefault : cc;
    utilization = config.containerConcurrencyTargetFraction;
  }
  const target = num('target');
  if (target !== undefined) total = metric === 'concurrency' && cc !== 0 ? Math.min(target, cc) : target;
  const tu = num('targetUtilizationPercentage');
  if (tu !== undefined) utilization = tu / 100;
  const targetValue = Math.max(LIMITS.targetMin, total * utilization);

  // MakeMetric: the panic window is a percentage of the stable window.
  const stableWindowMs = num('window') ?? config.stableWindowMs;
  const panicPct = num('panicWindowPercentage') ?? config.panicWindowPercentage;
  const panicWindowMs = Math.max(BUCKET_MS, Math.round((stableWindowMs * panicPct) / 100 / 1000) * 1000);

  const reachable = pa.reachability !== 'Unreachable';
  return {
    metric,
    targetValue,
    totalValue: total,
    targetBurstCapacity: num('targetBurstCapacity') ?? config.targetBurstCapacity,
    panicThreshold: (num('panicThresholdPercentage') ?? config.panicThresholdPercentage) / 100,
    stableWindowMs,
    panicWindowMs,
    scaleDownDelayMs: num('scaleDownDelay') ?? config.scaleDownDelayMs,
    activationScale: num('activationScale') ?? 0,
    minScale: reachable ? (num('minScale') ?? config.minScale) : 0,
    maxScale: num('maxScale') ?? config.maxScale,
    initialScale: initialScale(pa.annotations, config),
    retentionMs: reachable ? (num('scaleToZeroPodRetentionPeriod') ?? config.scaleToZeroPodRetentionPeriodMs) : 0,
    reachable,
    maxScaleUpRate: config.maxScaleUpRate,
    maxScaleDownRate: config.maxScaleDownRate,
    enableScaleToZero: config.enableScaleToZero,
    gracePeriodMs: config.scaleToZeroGracePeriodMs,
    activationTimeoutMs: (num('progressDeadline') ?? DEFAULT_PROGRESS_DEADLINE_MS) + ACTIVATION_TIMEOUT_BUFFER_MS,
  };
}

/**
 * Knative's GetInitialScale: a revision's first scale, from its initial-scale annotation (0 only when
 * allow-zero-initial-scale) or config-autoscaler. The revision reconciler creates the Deployment with it.
 */
export function initialScale(annotations: Annotations, config: AutoscalerConfig): number {
  const v = readAnnotation(annotations, 'initialScale', config);
  return typeof v === 'number' ? v : config.initialScale;
}
