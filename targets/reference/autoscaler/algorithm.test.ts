import { describe, expect, it } from 'vitest';
import { decide, newDeciderState, type DeciderSpec } from './algorithm.ts';

const T0 = 1_700_000_000_000;
const spec = (s: Partial<DeciderSpec> = {}): DeciderSpec => ({
  targetValue: 10, totalValue: 10, targetBurstCapacity: 0, panicThreshold: 2, maxScaleUpRate: 1000, maxScaleDownRate: 2,
  stableWindowMs: 60_000, scaleDownDelayMs: 0, reachable: true, activationScale: 0, ...s,
});
const obs = (stable: number, panic = stable) => ({ stable, panic });

describe("decide (Knative's autoscaler.Scale)", () => {
  it('no data: no valid decision', () => {
    expect(decide(newDeciderState(0, T0), spec(), 1, undefined, T0)).toMatchObject({ valid: false, desired: -1 });
  });

  it('desired = ceil(observed / target) over the stable window', () => {
    const st = newDeciderState(1, T0);
    expect(decide(st, spec(), 4, obs(50, 45), T0)).toMatchObject({ valid: true, desired: 5, panicking: false, desiredStable: 5 });
    expect(decide(st, spec(), 5, obs(51, 45), T0 + 2000).desired).toBe(6);
    expect(decide(st, spec(), 5, obs(0.1, 0), T0 + 4000).desired).toBe(2); // scale-down limited: floor(5 / 2)
  });

  it('panics when the panic window wants at least panic-threshold x the ready pods, and takes the larger of the two', () => {
    const st = newDeciderState(1, T0);
    const d = decide(st, spec(), 1, obs(15, 20), T0);
    expect(d).toMatchObject({ panicking: true, desired: 2, desiredPanic: 2 });
    const below = newDeciderState(1, T0);
    expect(decide(below, spec(), 1, obs(15, 10), T0)).toMatchObject({ panicking: false, desired: 2 });
    expect(decide(newDeciderState(1, T0), spec({ panicThreshold: 1.1 }), 10, obs(100, 101), T0).panicking).toBe(true);
  });

  it('never scales down while panicking, and stops panicking a stable window after the last time over the threshold', () => {
    const st = newDeciderState(1, T0);
    expect(decide(st, spec(), 10, obs(100, 1000), T0).desired).toBe(100);
    // The burst is gone; still panicking: keep 100.
    expect(decide(st, spec(), 100, obs(1, 1), T0 + 30_000)).toMatchObject({ panicking: true, desired: 100 });
    expect(decide(st, spec(), 100, obs(1, 1), T0 + 60_000)).toMatchObject({ panicking: true, desired: 100 });
    // A stable window after: un-panic, scale down (limited to half of the ready pods).
    expect(decide(st, spec(), 100, obs(1, 1), T0 + 60_001)).toMatchObject({ panicking: false, desired: 50 });
  });

  it('a new surge during panic extends it', () => {
    const st = newDeciderState(1, T0);
    decide(st, spec(), 1, obs(10, 100), T0);
    decide(st, spec(), 10, obs(100, 250), T0 + 40_000); // 25 >= 2 x 10: extends
    expect(decide(st, spec(), 25, obs(1, 1), T0 + 90_000)).toMatchObject({ panicking: true, desired: 25 });
    expect(decide(st, spec(), 25, obs(1, 1), T0 + 100_001)).toMatchObject({ panicking: false, desired: 12 });
  });

  it('scale-up is limited to max-scale-up-rate x ready pods (at least one more), from one pod when none is ready', () => {
    expect(decide(newDeciderState(1, T0), spec({ maxScaleUpRate: 10 }), 1, obs(1000, 0), T0).desired).toBe(10);
    expect(decide(newDeciderState(0, T0), spec({ maxScaleUpRate: 2 }), 0, obs(1000, 0), T0).desired).toBe(2);
    expect(decide(newDeciderState(1, T0), spec({ maxScaleUpRate: 1.1 }), 3, obs(1000, 0), T0).desired).toBe(4);
  });

  it('scale-down is limited to ready / max-scale-down-rate, but not for an unreachable revision', () => {
    expect(decide(newDeciderState(1, T0), spec({ maxScaleDownRate: 2 }), 100, obs(1, 1), T0).desired).toBe(50);
    expect(decide(newDeciderState(1, T0), spec({ maxScaleDownRate: 4 }), 100, obs(1, 1), T0).desired).toBe(25);
    expect(decide(newDeciderState(1, T0), spec({ reachable: false }), 100, obs(0, 0), T0).desired).toBe(0);
    expect(decide(newDeciderState(1, T0), spec(), 1, obs(0, 0), T0).desired).toBe(0);
  });

  it('excess burst capacity = ready x total - target burst capacity - panic value, floored; 0 and -1 as they are', () => {
    const d = (tbc: number, ready: number, panic: number) =>
      decide(newDeciderState(1, T0), spec({ targetBurstCapacity: tbc, totalValue: 100, targetValue: 70 }), ready, obs(panic, panic), T0).excessBurstCapacity;
    expect(d(211, 2, 30)).toBe(-41);
    expect(d(211, 5, 30.5)).toBe(258);
    expect(d(211, 0, 0)).toBe(-211);
    expect(d(0, 0, 50)).toBe(0);
    expect(d(-1, 50, 0)).toBe(-1);
  });

  it('activation scale: at least that many pods whenever any is wanted', () => {
    expect(decide(newDeciderState(0, T0), spec({ activationScale: 3 }), 0, obs(1, 1), T0).desired).toBe(3);
    expect(decide(newDeciderState(0, T0), spec({ activationScale: 3 }), 1, obs(0, 0), T0).desired).toBe(0);
  });

  it('scale-down delay: a lower scale only after it has been wanted for the whole delay', () => {
    const st = newDeciderState(1, T0);
    const s = spec({ scaleDownDelayMs: 5000, maxScaleDownRate: 1000, panicThreshold: 10 });
    expect(decide(st, s, 1, obs(50, 50), T0).desired).toBe(5);
    expect(decide(st, s, 5, obs(10, 10), T0 + 1000).desired).toBe(5);
    expect(decide(st, s, 5, obs(10, 10), T0 + 4000).desired).toBe(5);
    expect(decide(st, s, 5, obs(10, 10), T0 + 5000).desired).toBe(1);
  });

  it('a new decider over a revision with several pods starts in panic and keeps them until it has seen enough', () => {
    const st = newDeciderState(5, T0);
    expect(decide(st, spec(), 5, obs(0, 0), T0 + 1000)).toMatchObject({ panicking: true, desired: 5 });
  });
});
