import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../harness/index.ts';
import { readAutoscalerSettings } from './config-autoscaler.ts';

const withConfigMap = (data: Record<string, string> | undefined) =>
  ({ readConfigMap: (namespace: string, name: string) => Promise.resolve(namespace === 'knative-serving' && name === 'config-autoscaler' ? data : undefined) }) as unknown as Cluster;

describe('readAutoscalerSettings', () => {
  it('reads Go durations in seconds, blanks around them ignored, and says where each value came from', async () => {
    const r = await readAutoscalerSettings(withConfigMap({ 'stable-window': ' 6s ', 'scale-to-zero-grace-period': '1m30s', 'scale-down-delay': '500ms' }));
    expect(r.configMapFound).toBe(true);
    expect(r.settings).toMatchObject({ stableWindowS: 6, gracePeriodS: 90, scaleDownDelayS: 0.5, retentionS: 0 });
    expect(r.used['stable-window']).toEqual({ value: ' 6s ', from: 'config-autoscaler' });
    expect(r.used['scale-to-zero-pod-retention-period']).toEqual({ value: '0s', from: 'Knative default' });
  });

  it('takes Knative\'s defaults when the ConfigMap is absent', async () => {
    const r = await readAutoscalerSettings(withConfigMap(undefined));
    expect(r.configMapFound).toBe(false);
    expect(r.settings).toMatchObject({
      stableWindowS: 60, gracePeriodS: 30, retentionS: 0, targetUtilization: 0.7, panicThreshold: 2, enableScaleToZero: true, maxScaleUpRate: 1000,
    });
  });

  it('names the key whose duration is not Go syntax', async () => {
    await expect(readAutoscalerSettings(withConfigMap({ 'stable-window': '6' }))).rejects.toThrow('config-autoscaler stable-window: time: missing unit in duration "6"');
    await expect(readAutoscalerSettings(withConfigMap({ 'scale-down-delay': 'soon' }))).rejects.toThrow(/^config-autoscaler scale-down-delay: time: invalid duration "soon"$/);
  });
});
