import type { Cluster } from '../../../harness/index.ts';
import { readAutoscalerSettings } from '../config-autoscaler.ts';

/** The keys a cold start depends on, with Knative's defaults for keys the ConfigMap leaves out. */
export interface ScaleToZeroConfig {
  enabled: boolean;
  stableWindowMs: number;
  gracePeriodMs: number;
  retentionMs: number;
  /** Where each value came from: `stable-window=6s (config-autoscaler)` or `... (Knative default)`. */
  sources: string[];
}

const KEYS = ['enable-scale-to-zero', 'stable-window', 'scale-to-zero-grace-period', 'scale-to-zero-pod-retention-period'];

/** Reads the scale-to-zero keys of `knative-serving/config-autoscaler` from the target. */
export async function readScaleToZeroConfig(cluster: Cluster): Promise<ScaleToZeroConfig> {
  const { settings, used } = await readAutoscalerSettings(cluster);
  return {
    enabled: settings.enableScaleToZero,
    stableWindowMs: settings.stableWindowS * 1000,
    gracePeriodMs: settings.gracePeriodS * 1000,
    retentionMs: settings.retentionS * 1000,
    sources: KEYS.map((k) => `${k}=${used[k]?.value ?? '?'} (${used[k]?.from ?? '?'})`),
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
