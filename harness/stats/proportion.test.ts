import { describe, expect, it } from 'vitest';
import { clopperPearsonInterval, wilsonInterval } from './proportion.ts';

// Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion: comparison of seven
// methods. Statistics in Medicine 17, 857-872, Table II: 95% intervals, method 3 (Wilson score, no continuity
// correction) and method 5 (Clopper-Pearson "exact"), to 4 decimals.
const NEWCOMBE = [
  { x: 81, n: 263, wilson: [0.2553, 0.3662], exact: [0.2527, 0.3676] },
  { x: 15, n: 148, wilson: [0.0624, 0.1605], exact: [0.0578, 0.1617] },
  { x: 0, n: 20, wilson: [0, 0.1611], exact: [0, 0.1684] },
  { x: 1, n: 29, wilson: [0.0061, 0.1718], exact: [0.0009, 0.1776] },
] as const;

describe('wilsonInterval', () => {
  it.each(NEWCOMBE)('matches Newcombe (1998) for $x/$n', ({ x, n, wilson }) => {
    const ci = wilsonInterval(x, n, 0.95);
    expect(ci.lower).toBeCloseTo(wilson[0], 4);
    expect(ci.upper).toBeCloseTo(wilson[1], 4);
    expect(ci.confidence).toBe(0.95);
  });

  it('is symmetric in successes and failures and widens with confidence', () => {
    const a = wilsonInterval(30, 100, 0.99);
    const b = wilsonInterval(70, 100, 0.99);
    expect(a.lower).toBeCloseTo(1 - b.upper, 12);
    expect(a.upper).toBeCloseTo(1 - b.lower, 12);
    const narrow = wilsonInterval(30, 100, 0.9);
    expect(narrow.lower).toBeGreaterThan(a.lower);
    expect(narrow.upper).toBeLessThan(a.upper);
  });

  it('refuses impossible counts', () => {
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 0)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 4, 1)).toThrow(RangeError);
  });
});

describe('clopperPearsonInterval', () => {
  it.each(NEWCOMBE)('matches Newcombe (1998) for $x/$n', ({ x, n, exact }) => {
    const ci = clopperPearsonInterval(x, n, 0.95);
    expect(ci.lower).toBeCloseTo(exact[0], 4);
    expect(ci.upper).toBeCloseTo(exact[1], 4);
  });

  it('has the closed forms at 0 and n: 1 - (alpha/2)^(1/n) (the "rule of three" for large n)', () => {
    for (const n of [1, 10, 300, 10_000]) {
      expect(clopperPearsonInterval(0, n, 0.95).upper).toBeCloseTo(1 - 0.025 ** (1 / n), 10);
      expect(clopperPearsonInterval(n, n, 0.95).lower).toBeCloseTo(0.025 ** (1 / n), 10);
      expect(clopperPearsonInterval(n, n, 0.95).upper).toBe(1);
    }
    // 0 of 300 at 95% (one-sided 97.5%): about 3.7/300, the "rule of three" with the two-sided alpha.
    expect(clopperPearsonInterval(0, 300, 0.95).upper * 300).toBeCloseTo(-Math.log(0.025), 1);
  });

  // Exact coverage, summed over the binomial distribution: Clopper-Pearson never covers less than its level
  // (it is conservative), Wilson's does at some proportions (Newcombe 1998, Brown, Cai and DasGupta 2001).
  it('covers every true proportion with probability >= its level, where Wilson dips below', () => {
    const n = 50;
    const coverage = (p: number, interval: (x: number) => { lower: number; upper: number }) => {
      let pmf = (1 - p) ** n;
      let covered = 0;
      for (let x = 0; x <= n; x++) {
        const ci = interval(x);
        if (ci.lower <= p && p <= ci.upper) covered += pmf;
        pmf *= ((n - x) / (x + 1)) * (p / (1 - p));
      }
      return covered;
    };
    let wilsonMin = 1;
    for (let p = 0.01; p < 0.99; p += 0.01) {
      expect(coverage(p, (x) => clopperPearsonInterval(x, n, 0.95))).toBeGreaterThanOrEqual(0.95 - 1e-12);
      wilsonMin = Math.min(wilsonMin, coverage(p, (x) => wilsonInterval(x, n, 0.95)));
    }
    expect(wilsonMin).toBeLessThan(0.95);
  });
});
