/**
 * The target's autoscaling configuration as the autoscaling requirements derive their bounds from it:
 * `knative-serving/config-autoscaler`, read with Knative's own defaults for every key it lacks (the same
 * defaults Knative's autoscaler applies), so one requirement is right on a compressed configuration and on
 * a cluster with Knative's defaults. Only the Kubernetes API: nothing of any target's internals.
 */
import type { Cluster } from '../../../harness/cluster/cluster.ts';

export const CONFIG_AUTOSCALER = { namespace: 'knative-serving', name: 'config-autoscaler' } as const;

/** Knative's autoscaler decides every 2 s (its ticker; not configurable): one step of a scale change. */
export const DECISION_INTERVAL_S = 2;
/** Knative's metric buckets are 1 s wide: a window's edge is known to within a bucket. */
export const BUCKET_S = 1;

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

/** Go's time.ParseDuration for the forms Knative's ConfigMaps use ("6s", "1m30s", "500ms", "1h"), in seconds. */
export function parseGoDurationSeconds(text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let at = s.startsWith('-') || s.startsWith('+') ? 1 : 0;
  if (at === s.length) throw new Error(`invalid duration "${text}"`);
  while (at < s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (!m) throw new Error(`invalid duration "${text}"`);
    total += Number(m[1]) * unit[m[2]!]!;
    at = re.lastIndex;
  }
  return s.startsWith('-') ? -total : total;
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
  const dur = (key: string) => {
    try {
      return parseGoDurationSeconds(get(key));
    } catch (e) {
      throw new Error(`config-autoscaler ${key}: ${(e as Error).message}`, { cause: e });
    }
  };
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
