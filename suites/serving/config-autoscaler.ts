/**
 * The target's autoscaling configuration, `knative-serving/config-autoscaler`, read with Knative's own
 * defaults for every key it lacks (the same defaults Knative's autoscaler applies), so that a bound derived
 * from it is right on a compressed configuration and on a cluster with Knative's defaults. The autoscaling
 * requirements derive their bounds from it, the cold-start requirements their wait for zero. Only the
 * Kubernetes API: nothing of any target's internals.
 */
import type { Cluster } from '../../harness/index.ts';
import { parseGoDuration } from '../../lib/go-values/duration.ts';

export const CONFIG_AUTOSCALER = { namespace: 'knative-serving', name: 'config-autoscaler' } as const;

export interface AutoscalerSettings {
  stableWindowS: number;
  gracePeriodS: number;
  retentionS: number;
  scaleDownDelayS: number;
  maxScaleUpRate: number;
  maxScaleDownRate: number;
  /** container-concurrency-target-percentage as a fraction (70 -> 0.7). */
  targetUtilization: number;
  containerConcurrencyTargetDefault: number;
  panicWindowPercentage: number;
  /** panic-threshold-percentage as a multiple of the ready pods (200 -> 2). */
  panicThreshold: number;
  enableScaleToZero: boolean;
  targetBurstCapacity: number;
  initialScale: number;
  maxScaleLimit: number;
}

/** Knative Serving's defaults (pkg/autoscaler/config: defaultConfig), for keys the ConfigMap lacks. */
const KNATIVE_DEFAULTS: Record<string, string> = {
  'stable-window': '60s',
  'scale-to-zero-grace-period': '30s',
  'scale-to-zero-pod-retention-period': '0s',
  'scale-down-delay': '0s',
  'max-scale-up-rate': '1000',
  'max-scale-down-rate': '2',
  'container-concurrency-target-percentage': '70',
  'container-concurrency-target-default': '100',
  'panic-window-percentage': '10',
  'panic-threshold-percentage': '200',
  'enable-scale-to-zero': 'true',
  'target-burst-capacity': '211',
  'initial-scale': '1',
  'max-scale-limit': '0',
};

export interface ReadSettings {
  settings: AutoscalerSettings;
  /** Each key used: its value and whether the target's ConfigMap or Knative's default gave it. */
  used: Record<string, { value: string; from: 'config-autoscaler' | 'Knative default' }>;
  /** False when the ConfigMap does not exist (every value is Knative's default). */
  configMapFound: boolean;
}

/** Go's strconv.ParseBool, as Knative reads enable-scale-to-zero. */
function goBool(key: string, raw: string): boolean {
  const text = raw.trim();
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new Error(`config-autoscaler ${key}: not a boolean: "${raw}"`);
}

function parseNumber(key: string, raw: string): number {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n)) throw new Error(`config-autoscaler ${key}: not a number: "${raw}"`);
  return n;
}

/** A Go duration ("6s", "1m30s", "500ms", "0"), surrounding blanks ignored, in seconds. */
function parseSeconds(key: string, raw: string): number {
  const ms = parseGoDuration(raw.trim());
  if (ms instanceof Error) throw new Error(`config-autoscaler ${key}: ${ms.message}`, { cause: ms });
  return ms / 1000;
}

/** Reads config-autoscaler from the target; absent keys (or an absent ConfigMap) take Knative's defaults. */
export async function readAutoscalerSettings(cluster: Cluster): Promise<ReadSettings> {
  const data = await cluster.readConfigMap(CONFIG_AUTOSCALER.namespace, CONFIG_AUTOSCALER.name);
  const used: ReadSettings['used'] = {};
  const get = (key: string): string => {
    const own = data?.[key];
    const value = own ?? KNATIVE_DEFAULTS[key]!;
    used[key] = { value, from: own !== undefined ? 'config-autoscaler' : 'Knative default' };
    return value;
  };
  const dur = (key: string) => parseSeconds(key, get(key));
  const num = (key: string) => parseNumber(key, get(key));
  const pct = num('container-concurrency-target-percentage');
  const settings: AutoscalerSettings = {
    stableWindowS: dur('stable-window'),
    gracePeriodS: dur('scale-to-zero-grace-period'),
    retentionS: dur('scale-to-zero-pod-retention-period'),
    scaleDownDelayS: dur('scale-down-delay'),
    maxScaleUpRate: num('max-scale-up-rate'),
    maxScaleDownRate: num('max-scale-down-rate'),
    // Knative reads values above 1 as percentages and (0, 1] as fractions.
    targetUtilization: pct > 1 ? pct / 100 : pct,
    containerConcurrencyTargetDefault: num('container-concurrency-target-default'),
    panicWindowPercentage: num('panic-window-percentage'),
    panicThreshold: num('panic-threshold-percentage') / 100,
    enableScaleToZero: goBool('enable-scale-to-zero', get('enable-scale-to-zero')),
    targetBurstCapacity: num('target-burst-capacity'),
    initialScale: num('initial-scale'),
    maxScaleLimit: num('max-scale-limit'),
  };
  return { settings, used, configMapFound: data !== undefined };
}
