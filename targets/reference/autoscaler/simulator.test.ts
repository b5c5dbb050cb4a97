import { describe, expect, it } from 'vitest';
import { REFERENCE_DEFAULTS, type AutoscalerConfig } from './config.ts';
import { resolveScaling } from './scaling.ts';
import { Simulation, type SimFrame, type SimOptions } from './simulator.ts';

const A = (k: string) => `autoscaling.knative.dev/${k}`;
const cfg = REFERENCE_DEFAULTS;
/** target 10 x 70% = 7 concurrent requests per pod. */
const TARGET = { [A('target')]: '10' };

function sim(annotations: Record<string, string>, o: Omit<SimOptions, 'scaling'>, config: AutoscalerConfig = cfg): Simulation {
  return new Simulation({ scaling: resolveScaling({ annotations: { ...TARGET, ...annotations }, containerConcurrency: 0, reachability: 'Reachable' }, config), ...o });
}

const between = (s: Simulation, from: number, to: number) => s.frames.filter((f) => f.tMs >= from && f.tMs < to);
const changes = (frames: SimFrame[], key: (f: SimFrame) => number) =>
  frames.filter((f, i) => i === 0 || key(f) !== key(frames[i - 1]!)).map((f) => [f.tMs, key(f)]);

describe('KPA under simulated traffic (decider every second at .5 s; PA reconciled every 100 ms)', () => {
  it('ramp: replicas cover the stable demand, never go down while panicking, and settle at ceil(concurrency / target)', () => {
    // 5 more concurrent requests every second for 20 s, then 100 for good.
    const s = sim({}, { traffic: (t) => Math.min(100, Math.floor(t / 1000) * 5) }).run(40_000);
    for (const f of s.frames) if (f.decision?.valid) expect(f.want).toBeGreaterThanOrEqual(Math.ceil(f.decision.stable / 7));
    const panicking = s.frames.filter((f) => f.panicking);
    expect(panicking.length).toBeGreaterThan(0); // the ramp outruns the stable window at first
    for (let i = 1; i < panicking.length; i++) expect(panicking[i]!.replicas).toBeGreaterThanOrEqual(panicking[i - 1]!.replicas);
    expect(s.frames.at(-1)).toMatchObject({ replicas: Math.ceil(100 / 7), want: 15, active: 'True', panicking: false });
  });

  it('burst: panics on the first tick that sees it, scales at once, holds while panicking, un-panics a stable window later', () => {
    const s = sim({}, { traffic: (t) => (t >= 20_000 && t < 23_000 ? 70 : 5) }).run(40_000);
    expect(s.firstFrame((f) => f.tMs >= 19_000)).toMatchObject({ replicas: 1, panicking: false });
    const burst = s.firstFrame((f) => f.panicking)!;
    expect(burst).toMatchObject({ tMs: 20_500, replicas: 10, want: 10 });
    expect(burst.decision).toMatchObject({ panic: 70, desiredPanic: 10 });
    // The burst ended at 23 s; panic holds the scale until a stable window after 20.5 s (the last tick over the threshold).
    for (const f of between(s, 20_500, 27_500)) expect(f).toMatchObject({ replicas: 10, panicking: true });
    const calm = s.firstFrame((f) => !f.panicking, 20_500)!;
    expect(calm.tMs).toBe(27_500);
    expect(calm.replicas).toBeLessThan(10);
    expect(calm.replicas).toBeGreaterThanOrEqual(5); // max-scale-down-rate 2
    expect(s.frames.at(-1)).toMatchObject({ replicas: 1 });
  });

  describe('an idle revision goes to zero at exactly the right time, and not before', () => {
    // 5 concurrent requests (one pod) until 10 s. The last sample with traffic is the tick at 9.5 s, in the
    // bucket of second 9; the stable average is 0 from the first tick whose window (6 buckets) excludes it:
    // the tick at 15.5 s. The PA goes inactive then.
    const traffic = (t: number) => (t < 10_000 ? 5 : 0);
    const inactiveAt = 9_000 + cfg.stableWindowMs + 500;

    it('activator brought into the path at inactive: zero after the grace period', () => {
      const s = sim({ [A('target-burst-capacity')]: '0' }, { traffic }).run(30_000);
      expect(s.firstFrame((f) => f.want === 0)).toMatchObject({ tMs: inactiveAt, replicas: 1, active: 'False', mode: 'Proxy' });
      expect(between(s, 1000, inactiveAt).every((f) => f.mode === 'Serve' && f.replicas === 1)).toBe(true);
      const zero = s.firstFrame((f) => f.replicas === 0)!;
      expect(zero.tMs).toBe(inactiveAt + cfg.scaleToZeroGracePeriodMs);
    });

    it('with a retention period longer than the grace period: zero after the retention period', () => {
      const s = sim({ [A('target-burst-capacity')]: '0', [A('scale-to-zero-pod-retention-period')]: '5s' }, { traffic }).run(30_000);
      expect(s.firstFrame((f) => f.replicas === 0)!.tMs).toBe(inactiveAt + 5000);
    });

    it('with the activator already in the path (default target-burst-capacity 211): zero right after going inactive', () => {
      const s = sim({}, { traffic }).run(30_000);
      expect(between(s, 1000, 30_000).every((f) => f.mode === 'Proxy')).toBe(true);
      expect(s.firstFrame((f) => f.want === 0)!.tMs).toBe(inactiveAt);
      expect(s.firstFrame((f) => f.replicas === 0)!.tMs).toBe(inactiveAt + 100);
    });

    it('with a longer stable window (window annotation), later by exactly the difference', () => {
      const s = sim({ [A('target-burst-capacity')]: '0', [A('window')]: '10s' }, { traffic }).run(40_000);
      expect(s.firstFrame((f) => f.replicas === 0)!.tMs).toBe(9_000 + 10_000 + 500 + cfg.scaleToZeroGracePeriodMs);
    });

    it('not with enable-scale-to-zero false, nor with the never-scales-to-zero mutant', () => {
      expect(sim({}, { traffic }, { ...cfg, enableScaleToZero: false }).run(40_000).frames.every((f) => f.replicas >= 1)).toBe(true);
      expect(sim({}, { traffic, neverScalesToZero: true }).run(40_000).frames.every((f) => f.replicas >= 1)).toBe(true);
    });
  });

  it('min-scale is a floor: an idle revision keeps its pods and stays Active', () => {
    const s = sim({ [A('min-scale')]: '2' }, { traffic: () => 0 }).run(60_000);
    expect(s.frames.every((f) => f.tMs < 1000 || (f.replicas === 2 && f.active === 'True'))).toBe(true);
  });

  it('max-scale is a ceiling; the ignores-max-scale mutant goes past it', () => {
    const s = sim({ [A('max-scale')]: '3' }, { traffic: () => 100 }).run(20_000);
    expect(Math.max(...s.frames.map((f) => f.replicas))).toBe(3);
    expect(s.frames.at(-1)!.replicas).toBe(3);
    const m = sim({ [A('max-scale')]: '3' }, { traffic: () => 100, ignoresMaxScale: true }).run(20_000);
    expect(m.frames.at(-1)!.replicas).toBe(15);
  });

  it('max-scale-up-rate: at most rate x ready pods per decision', () => {
    const s = sim({}, { traffic: (t) => (t < 1000 ? 0 : 1000) }, { ...cfg, maxScaleUpRate: 2 }).run(8000);
    expect(changes(s.frames, (f) => f.replicas).slice(1)).toEqual([[1500, 2], [2500, 4], [3500, 8], [4500, 16], [5500, 32], [6500, 64], [7500, 128]]);
  });

  it('max-scale-down-rate: at most halving per decision, then zero after the stable window and grace', () => {
    const s = sim({ [A('initial-scale')]: '16', [A('target-burst-capacity')]: '0' }, { traffic: () => 0, replicas: 16 }).run(20_000);
    expect(changes(s.frames, (f) => f.replicas)).toEqual([[100, 16], [500, 8], [1500, 4], [2500, 2], [3500, 1], [8100, 0]]);
    // Active since 0.1 s: inactive once active for a stable window (6.1 s), at the next reconcile; zero 2 s later.
    expect(s.firstFrame((f) => f.active === 'False')!.tMs).toBe(6100);
  });

  it('initial scale: the revision starts at it before any metrics, then follows demand', () => {
    const s = sim({ [A('initial-scale')]: '3' }, { traffic: () => 5, podStartMs: 2000 }).run(30_000);
    expect(s.frames[0]).toMatchObject({ tMs: 100, replicas: 3, want: 3, active: 'Unknown' });
    expect(s.firstFrame((f) => f.active === 'True')).toMatchObject({ tMs: 2100, ready: 3 });
    expect(s.frames.at(-1)).toMatchObject({ replicas: 1, active: 'True' });
  });

  it('a poke at zero scales to one pod at once; Active is Unknown (Queued) until the pod is ready', () => {
    const s = sim({}, { traffic: () => 0, podStartMs: 1500 }).run(20_000);
    expect(s.replicas).toBe(0);
    s.poke();
    expect(s.replicas).toBe(1);
    expect(s.frames.at(-1)).toMatchObject({ want: 1, active: 'Unknown', mode: 'Proxy' });
    s.run(21_600);
    expect(s.frames.at(-1)).toMatchObject({ replicas: 1, ready: 1, active: 'True' });
  });

  it('a revision that becomes unreachable: min-scale, retention and the scale-down rate limit no longer apply', () => {
    const scaling = (reachability: 'Reachable' | 'Unreachable') => resolveScaling({
      annotations: { ...TARGET, [A('min-scale')]: '3', [A('scale-to-zero-pod-retention-period')]: '30s', [A('target-burst-capacity')]: '0' },
      containerConcurrency: 0, reachability,
    }, cfg);
    const s = new Simulation({ scaling: scaling('Reachable'), traffic: (t) => (t < 20_000 ? 20 : 0), replicas: 3 }).run(20_000);
    expect(s.replicas).toBe(3);
    s.update(scaling('Unreachable'));
    s.run(40_000);
    // Down with the stable average, below min-scale; zero a grace period after it wants none (tick at 25.5 s),
    // without the 30 s retention.
    expect(changes(between(s, 20_000, 40_000), (f) => f.replicas)).toEqual([[20_000, 3], [21_500, 2], [23_500, 1], [27_500, 0]]);
    expect(s.firstFrame((f) => f.want === 0, 20_000)!.tMs).toBe(19_000 + cfg.stableWindowMs + 500);
  });
});
