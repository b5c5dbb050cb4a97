import { describe, expect, it } from 'vitest';
import { autoscalingAnnotationProblems } from './annotations.ts';
import { KNATIVE_DEFAULTS, REFERENCE_DEFAULTS, type AutoscalerConfig } from './config.ts';
import { resolveScaling, type ScalingInput } from './scaling.ts';

const A = (k: string) => `autoscaling.knative.dev/${k}`;
const resolve = (annotations: Record<string, string>, extra: Partial<ScalingInput> = {}, config: AutoscalerConfig = REFERENCE_DEFAULTS) =>
  resolveScaling({ annotations, containerConcurrency: 0, reachability: 'Reachable', ...extra }, config);

describe('resolveScaling (config-autoscaler overridden per revision)', () => {
  it('defaults: concurrency, target 100 x 70%, panic window 10% of the stable window', () => {
    expect(resolve({})).toMatchObject({
      metric: 'concurrency', totalValue: 100, targetValue: 70, targetBurstCapacity: 211, panicThreshold: 2,
      stableWindowMs: 6000, panicWindowMs: 1000, minScale: 0, maxScale: 0, initialScale: 1, retentionMs: 0, reachable: true,
    });
    expect(resolve({}, {}, KNATIVE_DEFAULTS)).toMatchObject({ stableWindowMs: 60_000, panicWindowMs: 6000, gracePeriodMs: 30_000 });
  });

  it('containerConcurrency is the total when set; a target annotation cannot exceed it', () => {
    expect(resolve({}, { containerConcurrency: 10 })).toMatchObject({ totalValue: 10, targetValue: 7 });
    expect(resolve({ [A('target')]: '50' }, { containerConcurrency: 10 })).toMatchObject({ totalValue: 10, targetValue: 7 });
    expect(resolve({ [A('target')]: '5' }, { containerConcurrency: 10 })).toMatchObject({ totalValue: 5, targetValue: 3.5 });
    expect(resolve({ [A('target')]: '50' })).toMatchObject({ totalValue: 50, targetValue: 35 });
  });

  it('target-utilization-percentage and the rps metric', () => {
    expect(resolve({ [A('target')]: '10', [A('target-utilization-percentage')]: '50' })).toMatchObject({ targetValue: 5 });
    expect(resolve({ [A('metric')]: 'rps' })).toMatchObject({ metric: 'rps', totalValue: 200, targetValue: 140 });
    expect(resolve({ [A('metric')]: 'rps', [A('target')]: '30' }, { containerConcurrency: 2 })).toMatchObject({ totalValue: 30, targetValue: 21 });
  });

  it('the target never goes below 0.01', () => {
    expect(resolve({ [A('target')]: '0.01', [A('target-utilization-percentage')]: '1' }).targetValue).toBe(0.01);
  });

  it('window, panic window percentage (rounded to a second, at least one), thresholds, retention, tbc, scale bounds', () => {
    expect(resolve({
      [A('window')]: '20s', [A('panic-window-percentage')]: '12', [A('panic-threshold-percentage')]: '150',
      [A('scale-to-zero-pod-retention-period')]: '7s', [A('target-burst-capacity')]: '-1', [A('min-scale')]: '2', [A('max-scale')]: '5',
      [A('initial-scale')]: '3', [A('activation-scale')]: '2', [A('scale-down-delay')]: '4s',
    })).toMatchObject({
      stableWindowMs: 20_000, panicWindowMs: 2000, panicThreshold: 1.5, retentionMs: 7000, targetBurstCapacity: -1,
      minScale: 2, maxScale: 5, initialScale: 3, activationScale: 2, scaleDownDelayMs: 4000,
    });
    expect(resolve({ [A('window')]: '6s', [A('panic-window-percentage')]: '1' }).panicWindowMs).toBe(1000);
  });

  it('legacy camelCase annotations count, the kebab-case one first', () => {
    expect(resolve({ [A('minScale')]: '2', [A('maxScale')]: '4' })).toMatchObject({ minScale: 2, maxScale: 4 });
    expect(resolve({ [A('minScale')]: '2', [A('min-scale')]: '3' }).minScale).toBe(3);
  });

  it('an unreachable revision ignores min-scale and the retention period', () => {
    expect(resolve({ [A('min-scale')]: '2', [A('scale-to-zero-pod-retention-period')]: '9s' }, { reachability: 'Unreachable' }))
      .toMatchObject({ minScale: 0, retentionMs: 0, reachable: false });
  });

  it('initial-scale 0 counts only when the cluster allows it', () => {
    expect(resolve({ [A('initial-scale')]: '0' }).initialScale).toBe(1);
    expect(resolve({ [A('initial-scale')]: '0' }, {}, { ...REFERENCE_DEFAULTS, allowZeroInitialScale: true }).initialScale).toBe(0);
  });

  it('invalid values fall back to config-autoscaler', () => {
    expect(resolve({
      [A('window')]: '2s', [A('min-scale')]: '-1', [A('target')]: 'lots', [A('target-burst-capacity')]: '-5', [A('metric')]: 'cpu',
      [A('panic-threshold-percentage')]: '50',
    })).toMatchObject({ stableWindowMs: 6000, minScale: 0, totalValue: 100, targetBurstCapacity: 211, metric: 'concurrency', panicThreshold: 2 });
  });

  it('reads the progress deadline for the activation timeout (plus 30 s)', () => {
    expect(resolve({}).activationTimeoutMs).toBe(630_000);
    expect(resolve({ 'serving.knative.dev/progress-deadline': '30s' }).activationTimeoutMs).toBe(60_000);
  });
});

describe("autoscalingAnnotationProblems (Knative's webhook rules)", () => {
  const v = (a: Record<string, string>, c: AutoscalerConfig = REFERENCE_DEFAULTS) => autoscalingAnnotationProblems(a, c);
  it('accepts valid annotations', () => {
    expect(v({ [A('min-scale')]: '1', [A('max-scale')]: '3', [A('window')]: '10s', [A('metric')]: 'rps', [A('target')]: '5' })).toEqual([]);
  });
  it('names each problem and the annotations it is about', () => {
    const problems = v({
      [A('min-scale')]: '4', [A('max-scale')]: '2', [A('window')]: '1s', [A('metric')]: 'cpu', [A('initial-scale')]: '0',
      [A('target-utilization-percentage')]: '101',
    });
    const about = (...keys: string[]) => problems.filter((p) => p.keys.join(' ') === keys.join(' ')).map((p) => p.message);
    expect(about(A('max-scale'), A('min-scale'))).toEqual(['max-scale=2 is less than min-scale=4']);
    expect(about(A('window'))).toEqual(['invalid value: 1s (must be in [6s, 1h0m0s])']);
    expect(about(A('metric'))).toEqual(['invalid value: cpu']);
    expect(about(A('initial-scale'))).toHaveLength(1);
    expect(about(A('initial-scale'))[0]).toContain('=0 not allowed by cluster');
    expect(about(A('target-utilization-percentage'))).toHaveLength(1);
  });
  it('an unknown knative.dev class; other classes keep their own metrics', () => {
    expect(v({ [A('class')]: 'foo.knative.dev', [A('metric')]: 'cpu' })).toEqual([{ message: 'invalid value: foo.knative.dev', keys: [A('class')] }]);
    expect(v({ [A('class')]: 'hpa.autoscaling.knative.dev', [A('metric')]: 'cpu' })).toEqual([]);
  });
  it('max-scale above max-scale-limit', () => {
    expect(v({ [A('max-scale')]: '10' }, { ...REFERENCE_DEFAULTS, maxScaleLimit: 5, maxScale: 5 })).toEqual([{ message: 'expected 1 <= 10 <= 5', keys: [A('max-scale')] }]);
  });
});
