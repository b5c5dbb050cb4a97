/**
 * Per-revision autoscaling annotations (knative/serving pkg/apis/autoscaling/register.go), with Knative's
 * legacy camelCase spellings, and Knative's rules for them (annotation_validation.go).
 */
import { formatGoDuration, parseGoDuration, parseGoFloat, parseGoInt32 } from '../../../lib/go-values/index.ts';
import { KPA_CLASS, LIMITS, type AutoscalerConfig } from './config.ts';

const G = 'autoscaling.knative.dev';

/** Each annotation's keys in priority order (Knative's kmap.KeyPriority). */
export const ANNOTATION = {
  class: [`${G}/class`],
  minScale: [`${G}/min-scale`, `${G}/minScale`],
  maxScale: [`${G}/max-scale`, `${G}/maxScale`],
  initialScale: [`${G}/initial-scale`, `${G}/initialScale`],
  activationScale: [`${G}/activation-scale`],
  target: [`${G}/target`],
  targetUtilizationPercentage: [`${G}/target-utilization-percentage`, `${G}/targetUtilizationPercentage`],
  metric: [`${G}/metric`],
  metricAggregationAlgorithm: [`${G}/metric-aggregation-algorithm`, `${G}/metricAggregationAlgorithm`],
  window: [`${G}/window`],
  panicWindowPercentage: [`${G}/panic-window-percentage`, `${G}/panicWindowPercentage`],
  panicThresholdPercentage: [`${G}/panic-threshold-percentage`, `${G}/panicThresholdPercentage`],
  scaleToZeroPodRetentionPeriod: [`${G}/scale-to-zero-pod-retention-period`, `${G}/scaleToZeroPodRetentionPeriod`],
  targetBurstCapacity: [`${G}/target-burst-capacity`, `${G}/targetBurstCapacity`],
  scaleDownDelay: [`${G}/scale-down-delay`, `${G}/scaleDownDelay`],
  progressDeadline: ['serving.knative.dev/progress-deadline', 'serving.knative.dev/progressDeadline'],
} as const;

export type AnnotationName = keyof typeof ANNOTATION;
export type Annotations = Readonly<Record<string, string>> | undefined;

/** The first key of `name` present in `annotations`, and its value. */
export function annotation(annotations: Annotations, name: AnnotationName): { key: string; value: string } | undefined {
  for (const key of ANNOTATION[name]) {
    const value = annotations?.[key];
    if (value !== undefined) return { key, value };
  }
  return undefined;
}

const HOUR_MS = LIMITS.windowMaxMs;
const HPA_CLASS = 'hpa.autoscaling.knative.dev';
const ALGORITHMS: readonly string[] = ['linear', 'weighted-exponential', 'weightedExponential'];

/**
 * Each annotation's value, or an Error with what Knative's webhook would say of it (the key it names is the
 * annotation's, see `annotation`); undefined when absent.
 */
export function readAnnotation(annotations: Annotations, name: AnnotationName, config: AutoscalerConfig): number | string | Error | undefined {
  const a = annotation(annotations, name);
  if (!a) return undefined;
  const bad = (why = '') => new Error(`invalid value: ${a.value}${why ? ` (${why})` : ''}`);
  switch (name) {
    case 'class':
    case 'metric':
    case 'metricAggregationAlgorithm':
      return a.value;
    case 'minScale':
    case 'maxScale':
    case 'activationScale': {
      const n = parseGoInt32(a.value);
      if (n instanceof Error) return bad();
      if (n < 0) return bad('must be at least 0');
      if (name === 'activationScale' && n < 2) return bad(`activation-scale=${n} must be greater than 1`);
      return n;
    }
    case 'initialScale': {
      const n = parseGoInt32(a.value);
      if (n instanceof Error) return bad();
      if (n < 0) return bad('must be greater than 0');
      if (n === 0 && !config.allowZeroInitialScale) return bad('=0 not allowed by cluster');
      return n;
    }
    case 'target': {
      const f = parseGoFloat(a.value);
      if (f instanceof Error) return bad();
      return f < LIMITS.targetMin ? bad(`target should be at least ${LIMITS.targetMin}`) : f;
    }
    case 'targetUtilizationPercentage':
      return ranged(parseGoFloat(a.value), 1, 100, bad);
    case 'panicWindowPercentage':
      return ranged(parseGoFloat(a.value), LIMITS.panicWindowPercentageMin, LIMITS.panicWindowPercentageMax, bad);
    case 'panicThresholdPercentage':
      return ranged(parseGoFloat(a.value), LIMITS.panicThresholdPercentageMin, LIMITS.panicThresholdPercentageMax, bad);
    case 'targetBurstCapacity': {
      const f = parseGoFloat(a.value);
      return f instanceof Error || (f < 0 && f !== -1) ? bad() : f;
    }
    case 'window': {
      const d = ranged(parseGoDuration(a.value), LIMITS.windowMinMs, LIMITS.windowMaxMs, bad, formatGoDuration);
      return typeof d === 'number' && d % 1000 !== 0 ? bad('must be specified with at most second precision') : d;
    }
    case 'scaleDownDelay': {
      const d = ranged(parseGoDuration(a.value), 0, HOUR_MS, bad, formatGoDuration);
      return typeof d === 'number' && d % 1000 !== 0 ? bad('must be specified with at most second precision') : d;
    }
    case 'scaleToZeroPodRetentionPeriod':
      return ranged(parseGoDuration(a.value), 0, HOUR_MS, bad, formatGoDuration);
    case 'progressDeadline': {
      const d = parseGoDuration(a.value);
      return d instanceof Error || d <= 0 ? bad() : d;
    }
  }
}

function ranged(v: number | Error, min: number, max: number, bad: (why?: string) => Error, show: (n: number) => string = String): number | Error {
  if (v instanceof Error) return bad();
  return v < min || v > max ? bad(`must be in [${show(min)}, ${show(max)}]`) : v;
}

/** A problem Knative's webhook finds in a revision's autoscaling annotations. */
export interface AnnotationProblem {
  message: string;
  /** The annotation keys it names: Knative's field paths, relative to the annotations. */
  keys: string[];
}

/**
 * Knative's webhook checks of a revision's autoscaling annotations (ValidateAnnotations), with the
 * config-autoscaler in force: one problem each, none when valid. The autoscaler itself ignores an invalid
 * value (it falls back to config-autoscaler), as Knative's PodAutoscaler accessors do.
 */
export function autoscalingAnnotationProblems(annotations: Annotations, config: AutoscalerConfig): AnnotationProblem[] {
  const problems: AnnotationProblem[] = [];
  const keyOf = (name: AnnotationName) => annotation(annotations, name)?.key ?? ANNOTATION[name][0];
  const value = (name: AnnotationName) => {
    const v = readAnnotation(annotations, name, config);
    if (v instanceof Error) problems.push({ message: v.message, keys: [keyOf(name)] });
    return v instanceof Error ? undefined : v;
  };
  const cls = value('class') as string | undefined;
  if (cls !== undefined && cls.endsWith('.knative.dev') && cls !== KPA_CLASS && cls !== HPA_CLASS) {
    problems.push({ message: `invalid value: ${cls}`, keys: [keyOf('class')] });
  }
  const min = (value('minScale') as number | undefined) ?? 0;
  const max = (value('maxScale') as number | undefined) ?? 0;
  if (max !== 0 && max < min) problems.push({ message: `max-scale=${max} is less than min-scale=${min}`, keys: [ANNOTATION.maxScale[0], ANNOTATION.minScale[0]] });
  if (annotation(annotations, 'maxScale') && config.maxScaleLimit > 0) {
    if (max > config.maxScaleLimit) problems.push({ message: `expected 1 <= ${max} <= ${config.maxScaleLimit}`, keys: [keyOf('maxScale')] });
    if (max === 0) problems.push({ message: `max-scale=0 (unlimited), must be less than ${config.maxScaleLimit}`, keys: [keyOf('maxScale')] });
  }
  const activation = value('activationScale') as number | undefined;
  if (activation !== undefined && min > activation) {
    problems.push({ message: `min-scale=${min} is greater than activation-scale=${activation}`, keys: [keyOf('activationScale')] });
  }
  if (activation !== undefined && max !== 0 && max < activation) {
    problems.push({ message: `max-scale=${max} is less than activation-scale=${activation}`, keys: [keyOf('activationScale')] });
  }
  for (const name of ['initialScale', 'target', 'targetUtilizationPercentage', 'panicWindowPercentage', 'panicThresholdPercentage',
    'targetBurstCapacity', 'window', 'scaleDownDelay', 'scaleToZeroPodRetentionPeriod'] as const) value(name);
  const metric = value('metric');
  const metricClass = cls ?? config.podAutoscalerClass;
  if (metric !== undefined && ((metricClass === KPA_CLASS && metric !== 'concurrency' && metric !== 'rps') || (metricClass === HPA_CLASS && metric === ''))) {
    problems.push({ message: `invalid value: ${String(metric)}`, keys: [keyOf('metric')] });
  }
  // Only an explicit KPA class: other autoscalers may have algorithms of their own.
  const algorithm = value('metricAggregationAlgorithm');
  if (cls === KPA_CLASS && typeof algorithm === 'string' && algorithm !== '' && !ALGORITHMS.includes(algorithm)) {
    problems.push({ message: `invalid value: ${algorithm}`, keys: [keyOf('metricAggregationAlgorithm')] });
  }
  return problems;
}
