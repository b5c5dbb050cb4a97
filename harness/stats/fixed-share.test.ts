import mt19937 from '@stdlib/random-base-mt19937';
import { describe, expect, it } from 'vitest';
import { binomialTail, fixedShareFailChance, fixedShareTest, fixedShareTrials, judgeFixedShare } from './fixed-share.ts';
import { clopperPearsonInterval } from './proportion.ts';

describe('binomialTail', () => {
  it('sums the binomial distribution exactly', () => {
    // Binomial(10, 1/2): P(S <= 2) = (1 + 10 + 45) / 1024.
    expect(binomialTail('atOrBelow', 2, 10, 0.5)).toBeCloseTo(56 / 1024, 14);
    expect(binomialTail('atOrAbove', 8, 10, 0.5)).toBeCloseTo(56 / 1024, 14);
    // Binomial(5, 0.3): P(S >= 4) = 5 * 0.3^4 * 0.7 + 0.3^5.
    expect(binomialTail('atOrAbove', 4, 5, 0.3)).toBeCloseTo(5 * 0.3 ** 4 * 0.7 + 0.3 ** 5, 14);
    expect(binomialTail('atOrBelow', -1, 5, 0.3)).toBe(0);
    expect(binomialTail('atOrAbove', 0, 5, 0.3)).toBe(1);
  });
});

describe('fixedShareTest', () => {
  it('keeps the false-fail chance at most 1 - confidence within half the tolerance, and says its power at 1.5 x', () => {
    const t = fixedShareTest({ expected: 0.25, tolerance: 0.1, trials: 400 });
    expect(t.falseFail).toBeLessThanOrEqual(0.01);
    for (const q of [0.2, 0.225, 0.25, 0.275, 0.3]) expect(fixedShareFailChance(t, q)).toBeLessThanOrEqual(0.01 + 1e-12);
    // The widest thresholds: one step inward breaks the bound at an end of the band.
    expect(fixedShareFailChance({ ...t, failAtOrBelow: t.failAtOrBelow + 1 }, 0.2)).toBeGreaterThan(0.01);
    expect(fixedShareFailChance({ ...t, failAtOrAbove: t.failAtOrAbove - 1 }, 0.3)).toBeGreaterThan(0.01);
    // 400 requests are not enough for 99% power at 15 pp off 25%: the test says so rather than pretending.
    expect(t.power).toBeGreaterThan(0.9);
    expect(t.power).toBeLessThan(0.99);
    expect(t.power).toBeCloseTo(Math.min(fixedShareFailChance(t, 0.1), fixedShareFailChance(t, 0.4)), 14);
  });

  it('finds the smallest number of requests for the power, near the normal approximation', () => {
    const n = fixedShareTrials({ expected: 0.25, tolerance: 0.1 });
    expect(fixedShareTest({ expected: 0.25, tolerance: 0.1, trials: n }).power).toBeGreaterThanOrEqual(0.99);
    expect(fixedShareTest({ expected: 0.25, tolerance: 0.1, trials: n - 1 }).power).toBeLessThan(0.99);
    // The normal approximation of one side, ((z_0.99 + z_0.99) / tolerance)^2 p (1 - p) = 406; the exact two-sided test needs more.
    expect(n).toBeGreaterThan(406);
    expect(n).toBeLessThan(600);
    const split = fixedShareTrials({ expected: 0.7, tolerance: 0.02 });
    expect(split).toBeGreaterThan(11_000);
    expect(split).toBeLessThan(13_000);
  });

  it('judges a count with failed requests counted against it', () => {
    const t = fixedShareTest({ expected: 0.5, tolerance: 0.1, trials: 1000 });
    expect(judgeFixedShare(t, 500).verdict).toBe('pass');
    expect(judgeFixedShare(t, t.failAtOrAbove).verdict).toBe('fail');
    expect(judgeFixedShare(t, t.failAtOrBelow).verdict).toBe('fail');
    // Passes whatever the failed ones were, fails whatever they were, or cannot tell.
    expect(judgeFixedShare(t, 500, 10).verdict).toBe('pass');
    expect(judgeFixedShare(t, t.failAtOrAbove, 10).verdict).toBe('fail');
    const open = judgeFixedShare(t, t.failAtOrAbove - 5, 10);
    expect(open.verdict).toBe('inconclusive');
    expect(open.reason).toMatch(/the 10 failed requests decide/);
    expect(() => judgeFixedShare(t, 999, 2)).toThrow(RangeError);
  });

  // The exact rates against a seeded simulation of the same test.
  it('has the false-fail and power a seeded simulation measures', () => {
    const t = fixedShareTest({ expected: 0.3, tolerance: 0.06, trials: 600 });
    const next = mt19937.factory({ seed: 11 });
    const runs = 4000;
    for (const q of [0.33, 0.39]) {
      let fails = 0;
      for (let r = 0; r < runs; r++) {
        let s = 0;
        for (let i = 0; i < t.trials; i++) if (next() / 2 ** 32 < q) s++;
        if (judgeFixedShare(t, s).verdict === 'fail') fails++;
      }
      const ci = clopperPearsonInterval(fails, runs, 0.999);
      const exact = fixedShareFailChance(t, q);
      expect(exact).toBeGreaterThanOrEqual(ci.lower);
      expect(exact).toBeLessThanOrEqual(ci.upper);
    }
  });
});
