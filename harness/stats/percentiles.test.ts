import { describe, expect, it } from 'vitest';
import { durationHistogram, percentiles, valuesAt } from './percentiles.ts';

describe('percentiles of an HDR histogram', () => {
  it('reads p50/p90/p99/max of 1..10000 within the histogram precision (3 significant digits)', () => {
    const h = durationHistogram();
    for (let v = 1; v <= 10_000; v++) h.recordValue(v);
    const p = percentiles(h);
    expect(p.count).toBe(10_000);
    expect(Math.abs(p.p50 - 5000) / 5000).toBeLessThan(0.001);
    expect(Math.abs(p.p90 - 9000) / 9000).toBeLessThan(0.001);
    expect(Math.abs(p.p99 - 9900) / 9900).toBeLessThan(0.001);
    expect(Math.abs(p.max - 10_000) / 10_000).toBeLessThan(0.001);
    h.destroy();
  });

  it('converts units and reads any percentile', () => {
    const h = durationHistogram();
    for (let i = 0; i < 99; i++) h.recordValue(2000); // 2 ms in us
    h.recordValue(250_000); // one 250 ms outlier
    const ms = percentiles(h, 1000);
    expect(ms.p50).toBeCloseTo(2, 2);
    expect(ms.p99).toBeCloseTo(2, 2);
    expect(ms.max).toBeCloseTo(250, 0);
    expect(valuesAt(h, [99.5, 100], 1000).map((v) => Math.round(v))).toEqual([250, 250]);
    expect(() => valuesAt(h, [0])).toThrow(RangeError);
    h.destroy();
  });

  it('is all zeros when empty', () => {
    const h = durationHistogram();
    expect(percentiles(h)).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
    h.destroy();
  });
});
