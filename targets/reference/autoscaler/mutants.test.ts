import { describe, expect, it } from 'vitest';
import type { Decision } from './algorithm.ts';
import { earlyScaleDown, ignoringMinScale, slowScaleUp, type SlowScaleUp } from './mutants.ts';
import type { RevisionScaling } from './scaling.ts';

const decision = (desired: number): Decision => ({
  valid: true, desired, excessBurstCapacity: 0, panicking: false, stable: 0, panic: 0, desiredStable: desired, desiredPanic: desired, readyPods: 1, atMs: 0,
});

describe('the autoscaler mutants', () => {
  it('slow-scale-up grants one pod more at once, then one per stable window, and follows scale-downs', () => {
    let s: SlowScaleUp | undefined;
    const step = (desired: number, ready: number, nowMs: number) => {
      const d = decision(desired);
      s = slowScaleUp(s, d, ready, 6000, nowMs);
      return d.desired;
    };
    expect(step(4, 1, 0)).toBe(2);
    expect(step(4, 1, 1000)).toBe(2); // the new pod is not ready yet: still 2, not back to 1
    expect(step(4, 2, 5999)).toBe(2);
    expect(step(4, 2, 6000)).toBe(3);
    expect(step(4, 3, 12_000)).toBe(4);
    expect(step(1, 4, 13_000)).toBe(1);
    expect(step(0, 1, 14_000)).toBe(0);
  });

  it('scales-down-early decides on the panic window', () => {
    const scaling = { stableWindowMs: 6000, panicWindowMs: 1000 } as RevisionScaling;
    const [spec, seen] = earlyScaleDown(scaling, { stable: 5, panic: 2 });
    expect(spec.stableWindowMs).toBe(1000);
    expect(seen).toEqual({ stable: 2, panic: 2 });
    expect(earlyScaleDown(scaling, undefined)[1]).toBeUndefined();
  });

  it('ignores-min-scale drops min-scale only', () => {
    const scaling = { minScale: 2, maxScale: 5 } as RevisionScaling;
    expect(ignoringMinScale(scaling)).toEqual({ minScale: 0, maxScale: 5 });
  });
});
