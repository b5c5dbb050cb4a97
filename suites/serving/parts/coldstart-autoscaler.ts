import type { Cluster } from '../../../harness/target/cluster.ts';

/** Where Knative keeps the autoscaler's configuration, on every target. */
export const CONFIG_AUTOSCALER = { namespace: 'knative-serving', name: 'config-autoscaler' } as const;

/** The keys a cold start depends on, with Knative's defaults for keys the ConfigMap leaves out. */
export interface ScaleToZeroConfig {
  enabled: boolean;
  stableWindowMs: number;
  gracePeriodMs: number;
  retentionMs: number;
  /** Where each value came from: `stable-window=6s (config-autoscaler)` or `... (Knative's default)`. */
  sources: string[];
}

const KNATIVE_DEFAULTS = {
  'enable-scale-to-zero': 'true',
  'stable-window': '60s',
  'scale-to-zero-grace-period': '30s',
  'scale-to-zero-pod-retention-period': '0s',
} as const;

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration (unsigned), in ms: '6s', '1m30s', '500ms', '0'. */
export function goDurationMs(text: string): number {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a Go duration: ${JSON.stringify(text)}`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

/** strconv.ParseBool. */
function goBool(text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new Error(`not a Go bool: ${JSON.stringify(text)}`);
}

/** Reads the scale-to-zero keys of `knative-serving/config-autoscaler` from the target. */
export async function readScaleToZeroConfig(cluster: Cluster): Promise<ScaleToZeroConfig> {
  const data = (await cluster.readConfigMap(CONFIG_AUTOSCALER.namespace, CONFIG_AUTOSCALER.name)) ?? {};
  const sources: string[] = [];
  const value = (key: keyof typeof KNATIVE_DEFAULTS): string => {
    const own = data[key];
    sources.push(`${key}=${own ?? KNATIVE_DEFAULTS[key]} (${own === undefined ? "Knative's default" : 'config-autoscaler'})`);
    return own ?? KNATIVE_DEFAULTS[key];
  };
  return {
    enabled: goBool(value('enable-scale-to-zero')),
    stableWindowMs: goDurationMs(value('stable-window')),
    gracePeriodMs: goDurationMs(value('scale-to-zero-grace-period')),
    retentionMs: goDurationMs(value('scale-to-zero-pod-retention-period')),
    sources,
  };
}

/**
 * How long an idle revision may take to reach zero pods once it is Ready: the stable window must pass
 * without traffic, then the longer of the grace and retention periods (Knative's KPA); doubled, plus 10 s
 * for pod termination and the autoscaler's ticks. This only bounds a precondition: missing it makes a
 * cold-start requirement inconclusive (SERVING.SCALE.TO-ZERO judges it).
 */
export function zeroWaitMs(c: ScaleToZeroConfig): number {
  return 2 * (c.stableWindowMs + Math.max(c.gracePeriodMs, c.retentionMs)) + 10_000;
}
