/**
 * `knative-serving/config-autoscaler`, read as Knative's pkg/autoscaler/config/config.go reads it: the same
 * keys, Knative's defaults for keys that are absent, Knative's validation and wording. The reference writes
 * the ConfigMap with COMPRESSED time values (REFERENCE_CONFIG_DATA) so that suites run in seconds; every
 * value there is one Knative itself accepts.
 */
import { ApiException, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { formatGoDuration, parseGoBool, parseGoDuration, parseGoFloat, parseGoInt32 } from '../../../lib/go-values/index.ts';

export const CONFIG_AUTOSCALER = { namespace: 'knative-serving', name: 'config-autoscaler' } as const;
export const KPA_CLASS = 'kpa.autoscaling.knative.dev';

/** Limits from knative/serving pkg/apis/autoscaling/register.go. */
export const LIMITS = {
  targetMin: 0.01,
  windowMinMs: 6_000,
  windowMaxMs: 3_600_000,
  panicWindowPercentageMin: 1,
  panicWindowPercentageMax: 100,
  panicThresholdPercentageMin: 110,
  panicThresholdPercentageMax: 1000,
} as const;

/** The metric buckets' width (Knative's config.BucketSize). */
export const BUCKET_MS = 1000;

export interface AutoscalerConfig {
  enableScaleToZero: boolean;
  /** container-concurrency-target-percentage as a fraction in (0, 1]. */
  containerConcurrencyTargetFraction: number;
  containerConcurrencyTargetDefault: number;
  /** Utilization for the rps metric: 0.7, not configurable in Knative (only per revision). */
  targetUtilization: number;
  rpsTargetDefault: number;
  /** -1: the activator is always in the path; 0: only at zero; > 0: the burst capacity to keep. */
  targetBurstCapacity: number;
  activatorCapacity: number;
  allowZeroInitialScale: boolean;
  initialScale: number;
  minScale: number;
  /** 0 = unbounded. */
  maxScale: number;
  maxScaleLimit: number;
  maxScaleUpRate: number;
  maxScaleDownRate: number;
  stableWindowMs: number;
  panicWindowPercentage: number;
  panicThresholdPercentage: number;
  scaleToZeroGracePeriodMs: number;
  scaleToZeroPodRetentionPeriodMs: number;
  scaleDownDelayMs: number;
  podAutoscalerClass: string;
}

/** Knative's own defaults (defaultConfig() in config.go), used for every key the ConfigMap lacks. */
export const KNATIVE_DEFAULTS: Readonly<AutoscalerConfig> = Object.freeze({
  enableScaleToZero: true,
  containerConcurrencyTargetFraction: 0.7,
  containerConcurrencyTargetDefault: 100,
  targetUtilization: 0.7,
  rpsTargetDefault: 200,
  targetBurstCapacity: 211,
  activatorCapacity: 100,
  allowZeroInitialScale: false,
  initialScale: 1,
  minScale: 0,
  maxScale: 0,
  maxScaleLimit: 0,
  maxScaleUpRate: 1000,
  maxScaleDownRate: 2,
  stableWindowMs: 60_000,
  panicWindowPercentage: 10,
  panicThresholdPercentage: 200,
  scaleToZeroGracePeriodMs: 30_000,
  scaleToZeroPodRetentionPeriodMs: 0,
  scaleDownDelayMs: 0,
  podAutoscalerClass: KPA_CLASS,
});

/**
 * The ConfigMap data the reference starts with: Knative's keys and values, but for time, compressed (stable
 * window 60s -> 6s, Knative's minimum; grace period 30s -> 2s). Every key is written out, so a suite reads
 * the values in force from the ConfigMap, as on a cluster.
 */
export const REFERENCE_CONFIG_DATA: Readonly<Record<string, string>> = Object.freeze({
  'container-concurrency-target-percentage': '70',
  'container-concurrency-target-default': '100',
  'requests-per-second-target-default': '200',
  'target-burst-capacity': '211',
  'stable-window': '6s',
  'panic-window-percentage': '10.0',
  'panic-threshold-percentage': '200.0',
  'max-scale-up-rate': '1000.0',
  'max-scale-down-rate': '2.0',
  'enable-scale-to-zero': 'true',
  'scale-to-zero-grace-period': '2s',
  'scale-to-zero-pod-retention-period': '0s',
  'pod-autoscaler-class': KPA_CLASS,
  'activator-capacity': '100.0',
  'initial-scale': '1',
  'allow-zero-initial-scale': 'false',
  'min-scale': '0',
  'max-scale': '0',
  'scale-down-delay': '0s',
  'max-scale-limit': '0',
});

export type ConfigResult = { config: AutoscalerConfig; error?: undefined } | { config?: undefined; error: string };

type Kind = 'bool' | 'float' | 'int32' | 'duration' | 'string';
const KEYS: readonly (readonly [string, keyof AutoscalerConfig, Kind])[] = [
  ['pod-autoscaler-class', 'podAutoscalerClass', 'string'],
  ['enable-scale-to-zero', 'enableScaleToZero', 'bool'],
  ['allow-zero-initial-scale', 'allowZeroInitialScale', 'bool'],
  ['max-scale-up-rate', 'maxScaleUpRate', 'float'],
  ['max-scale-down-rate', 'maxScaleDownRate', 'float'],
  ['container-concurrency-target-percentage', 'containerConcurrencyTargetFraction', 'float'],
  ['container-concurrency-target-default', 'containerConcurrencyTargetDefault', 'float'],
  ['requests-per-second-target-default', 'rpsTargetDefault', 'float'],
  ['target-burst-capacity', 'targetBurstCapacity', 'float'],
  ['panic-window-percentage', 'panicWindowPercentage', 'float'],
  ['activator-capacity', 'activatorCapacity', 'float'],
  ['panic-threshold-percentage', 'panicThresholdPercentage', 'float'],
  ['initial-scale', 'initialScale', 'int32'],
  ['min-scale', 'minScale', 'int32'],
  ['max-scale', 'maxScale', 'int32'],
  ['max-scale-limit', 'maxScaleLimit', 'int32'],
  ['stable-window', 'stableWindowMs', 'duration'],
  ['scale-down-delay', 'scaleDownDelayMs', 'duration'],
  ['scale-to-zero-grace-period', 'scaleToZeroGracePeriodMs', 'duration'],
  ['scale-to-zero-pod-retention-period', 'scaleToZeroPodRetentionPeriodMs', 'duration'],
];

const PARSE: Record<Kind, (s: string) => unknown> = {
  bool: parseGoBool, float: parseGoFloat, int32: parseGoInt32, duration: parseGoDuration, string: (s) => s.trim(),
};

/** NewConfigFromMap: Knative's defaults overlaid with `data`, then validated; errors worded as Knative's. */
export function parseAutoscalerConfig(data: Readonly<Record<string, string>> | undefined): ConfigResult {
  const c: AutoscalerConfig = { ...KNATIVE_DEFAULTS };
  const fields = c as unknown as Record<string, unknown>;
  for (const [key, field, kind] of KEYS) {
    const raw = data?.[key];
    if (raw === undefined) continue;
    const v = PARSE[kind](raw);
    if (v instanceof Error) return { error: `failed to parse data: failed to parse "${key}": ${v.message}` };
    fields[field] = v;
  }
  // Percentages above 1 are percentages; (0, 1] are fractions, for legacy reasons.
  if (c.containerConcurrencyTargetFraction > 1) c.containerConcurrencyTargetFraction /= 100;
  const error = validate(c);
  return error ? { error } : { config: c };
}

const dur = formatGoDuration;

function validate(c: AutoscalerConfig): string | undefined {
  if (c.scaleToZeroGracePeriodMs <= 0) return `scale-to-zero-grace-period must be positive, was: ${dur(c.scaleToZeroGracePeriodMs)}`;
  if (c.scaleDownDelayMs < 0) return `scale-down-delay cannot be negative, was: ${dur(c.scaleDownDelayMs)}`;
  if (c.scaleDownDelayMs % 1000 !== 0) return `scale-down-delay = ${dur(c.scaleDownDelayMs)}, must be specified with at most second precision`;
  if (c.scaleToZeroPodRetentionPeriodMs < 0) {
    return `scale-to-zero-pod-retention-period cannot be negative, was: ${dur(c.scaleToZeroPodRetentionPeriodMs)}`;
  }
  if (c.targetBurstCapacity < 0 && c.targetBurstCapacity !== -1) {
    return `target-burst-capacity must be either non-negative or -1 (for unlimited), was: ${c.targetBurstCapacity.toFixed(6)}`;
  }
  if (!(c.containerConcurrencyTargetFraction > 0 && c.containerConcurrencyTargetFraction <= 1)) {
    return `container-concurrency-target-percentage = ${c.containerConcurrencyTargetFraction.toFixed(6)} is outside of valid range of (0, 100]`;
  }
  const target = c.containerConcurrencyTargetFraction * c.containerConcurrencyTargetDefault;
  if (target < LIMITS.targetMin) {
    return `container-concurrency-target-percentage and container-concurrency-target-default yield target concurrency of ${target}, can't be less than ${LIMITS.targetMin}`;
  }
  if (c.rpsTargetDefault < LIMITS.targetMin) return `requests-per-second-target-default must be at least ${LIMITS.targetMin}, was: ${c.rpsTargetDefault}`;
  if (c.activatorCapacity < 1) return `activator-capacity = ${c.activatorCapacity}, must be at least 1`;
  if (c.maxScaleUpRate <= 1) return `max-scale-up-rate = ${c.maxScaleUpRate}, must be greater than 1.0`;
  if (c.maxScaleDownRate <= 1) return `max-scale-down-rate = ${c.maxScaleDownRate}, must be greater than 1.0`;
  if (c.stableWindowMs < LIMITS.windowMinMs || c.stableWindowMs > LIMITS.windowMaxMs) {
    return `stable-window = ${dur(c.stableWindowMs)}, must be in [${dur(LIMITS.windowMinMs)}; ${dur(LIMITS.windowMaxMs)}] range`;
  }
  if (c.stableWindowMs % 1000 !== 0) return `stable-window = ${dur(c.stableWindowMs)}, must be specified with at most second precision`;
  if (c.panicWindowPercentage < LIMITS.panicWindowPercentageMin || c.panicWindowPercentage > LIMITS.panicWindowPercentageMax) {
    return `panic-window-percentage = ${c.panicWindowPercentage}, must be in [${LIMITS.panicWindowPercentageMin}, ${LIMITS.panicWindowPercentageMax}] interval`;
  }
  if (c.initialScale < 0 || (c.initialScale === 0 && !c.allowZeroInitialScale)) {
    return `initial-scale = ${c.initialScale}, must be at least 0 (or at least 1 when allow-zero-initial-scale is false)`;
  }
  if (c.minScale < 0) return `min-scale = ${c.minScale}, must be at least 0`;
  const minMaxScale = c.maxScaleLimit > 0 ? 1 : 0;
  if (c.maxScale < minMaxScale || (c.maxScaleLimit > 0 && c.maxScale > c.maxScaleLimit)) {
    return `max-scale = ${c.maxScale}, must be in [${minMaxScale}, max-scale-limit(${c.maxScaleLimit})] range`;
  }
  if (c.maxScaleLimit < 0) return `max-scale-limit = ${c.maxScaleLimit}, must be at least 0`;
  if (c.minScale > c.maxScale && c.maxScale > 0) return `min-scale (${c.minScale}) must be less than max-scale (${c.maxScale})`;
  return undefined;
}

function mustParse(data: Readonly<Record<string, string>>): AutoscalerConfig {
  const r = parseAutoscalerConfig(data);
  if (r.error !== undefined) throw new Error(`REFERENCE_CONFIG_DATA is invalid: ${r.error}`);
  return r.config;
}

/** REFERENCE_CONFIG_DATA parsed: what the reference runs with until the ConfigMap is patched. */
export const REFERENCE_DEFAULTS: Readonly<AutoscalerConfig> = Object.freeze(mustParse(REFERENCE_CONFIG_DATA));

/** Creates `knative-serving/config-autoscaler` with REFERENCE_CONFIG_DATA unless it exists (its namespace must). */
export async function ensureConfigAutoscaler(kc: KubeConfig): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  try {
    await core.createNamespacedConfigMap({
      namespace: CONFIG_AUTOSCALER.namespace,
      body: {
        metadata: {
          name: CONFIG_AUTOSCALER.name, namespace: CONFIG_AUTOSCALER.namespace,
          labels: { 'app.kubernetes.io/name': 'knative-serving', 'app.kubernetes.io/component': 'autoscaler' },
        },
        data: { ...REFERENCE_CONFIG_DATA },
      },
    });
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 409)) throw e;
  }
}
