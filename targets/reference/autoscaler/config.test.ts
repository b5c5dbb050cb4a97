import { describe, expect, it } from 'vitest';
import { KNATIVE_DEFAULTS, parseAutoscalerConfig, REFERENCE_CONFIG_DATA, REFERENCE_DEFAULTS } from './config.ts';

const parse = (data: Record<string, string>) => parseAutoscalerConfig({ ...REFERENCE_CONFIG_DATA, ...data });

describe('config-autoscaler', () => {
  it("takes Knative's defaults for absent keys", () => {
    expect(parseAutoscalerConfig({})).toEqual({ config: { ...KNATIVE_DEFAULTS } });
    expect(KNATIVE_DEFAULTS).toMatchObject({ stableWindowMs: 60_000, scaleToZeroGracePeriodMs: 30_000, targetBurstCapacity: 211, containerConcurrencyTargetFraction: 0.7 });
  });

  it('the compressed reference defaults are valid, shorter in time only, and every key is written out', () => {
    expect(REFERENCE_DEFAULTS).toEqual({ ...KNATIVE_DEFAULTS, stableWindowMs: 6000, scaleToZeroGracePeriodMs: 2000 });
    expect(Object.keys(REFERENCE_CONFIG_DATA)).toHaveLength(20);
  });

  it('reads every key with its Go type', () => {
    const r = parse({
      'stable-window': '1m30s', 'panic-window-percentage': '20', 'panic-threshold-percentage': '150', 'scale-to-zero-grace-period': '45s',
      'scale-to-zero-pod-retention-period': '1m', 'container-concurrency-target-default': '10', 'requests-per-second-target-default': '50',
      'target-burst-capacity': '-1', 'max-scale-up-rate': '10', 'max-scale-down-rate': '4', 'enable-scale-to-zero': 'False',
      'initial-scale': '0', 'allow-zero-initial-scale': 't', 'min-scale': '1', 'max-scale': '9', 'activator-capacity': '50', 'scale-down-delay': '5s',
    });
    expect(r.config).toMatchObject({
      stableWindowMs: 90_000, panicWindowPercentage: 20, panicThresholdPercentage: 150, scaleToZeroGracePeriodMs: 45_000,
      scaleToZeroPodRetentionPeriodMs: 60_000, containerConcurrencyTargetDefault: 10, rpsTargetDefault: 50, targetBurstCapacity: -1,
      maxScaleUpRate: 10, maxScaleDownRate: 4, enableScaleToZero: false, initialScale: 0, allowZeroInitialScale: true, minScale: 1, maxScale: 9,
      activatorCapacity: 50, scaleDownDelayMs: 5000,
    });
  });

  it('reads container-concurrency-target-percentage above 1 as a percentage, up to 1 as a fraction', () => {
    expect(parse({ 'container-concurrency-target-percentage': '80' }).config?.containerConcurrencyTargetFraction).toBe(0.8);
    expect(parse({ 'container-concurrency-target-percentage': '0.5' }).config?.containerConcurrencyTargetFraction).toBe(0.5);
    expect(parse({ 'container-concurrency-target-percentage': '1' }).config?.containerConcurrencyTargetFraction).toBe(1);
  });

  it.each([
    [{ 'stable-window': 'soon' }, 'failed to parse data: failed to parse "stable-window": time: invalid duration "soon"'],
    [{ 'max-scale': '2.5' }, 'failed to parse "max-scale": strconv.ParseInt: parsing "2.5": invalid syntax'],
    [{ 'enable-scale-to-zero': 'yes' }, 'failed to parse "enable-scale-to-zero": strconv.ParseBool'],
    [{ 'scale-to-zero-grace-period': '0s' }, 'scale-to-zero-grace-period must be positive, was: 0s'],
    [{ 'scale-down-delay': '-1s' }, 'scale-down-delay cannot be negative'],
    [{ 'scale-down-delay': '1500ms' }, 'scale-down-delay = 1.5s, must be specified with at most second precision'],
    [{ 'scale-to-zero-pod-retention-period': '-1s' }, 'scale-to-zero-pod-retention-period cannot be negative'],
    [{ 'target-burst-capacity': '-2' }, 'target-burst-capacity must be either non-negative or -1 (for unlimited)'],
    [{ 'container-concurrency-target-percentage': '200' }, 'outside of valid range of (0, 100]'],
    [{ 'container-concurrency-target-default': '0.001' }, "can't be less than 0.01"],
    [{ 'requests-per-second-target-default': '0' }, 'requests-per-second-target-default must be at least 0.01'],
    [{ 'activator-capacity': '0.5' }, 'activator-capacity = 0.5, must be at least 1'],
    [{ 'max-scale-up-rate': '1' }, 'max-scale-up-rate = 1, must be greater than 1.0'],
    [{ 'max-scale-down-rate': '0.5' }, 'max-scale-down-rate = 0.5, must be greater than 1.0'],
    [{ 'stable-window': '5s' }, 'stable-window = 5s, must be in [6s; 1h0m0s] range'],
    [{ 'stable-window': '2h' }, 'must be in [6s; 1h0m0s] range'],
    [{ 'stable-window': '6500ms' }, 'stable-window = 6.5s, must be specified with at most second precision'],
    [{ 'panic-window-percentage': '0.5' }, 'panic-window-percentage = 0.5, must be in [1, 100] interval'],
    [{ 'initial-scale': '0' }, 'initial-scale = 0, must be at least 0 (or at least 1 when allow-zero-initial-scale is false)'],
    [{ 'min-scale': '-1' }, 'min-scale = -1, must be at least 0'],
    [{ 'max-scale-limit': '5', 'max-scale': '0' }, 'max-scale = 0, must be in [1, max-scale-limit(5)] range'],
    [{ 'max-scale-limit': '5', 'max-scale': '6' }, 'max-scale = 6, must be in [1, max-scale-limit(5)] range'],
    [{ 'min-scale': '5', 'max-scale': '3' }, 'min-scale (5) must be less than max-scale (3)'],
  ])('refuses %j: %s', (data, message) => {
    const r = parse(data);
    expect(r.config).toBeUndefined();
    expect(r.error).toContain(message);
  });
});
