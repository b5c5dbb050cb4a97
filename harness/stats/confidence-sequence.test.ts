import mt19937 from '@stdlib/random-base-mt19937';
import { describe, expect, it } from 'vitest';
import { confidenceSequenceInterval, excludes, logMixtureRatio } from './confidence-sequence.ts';
import { clopperPearsonInterval } from './proportion.ts';

describe('the beta-binomial mixture', () => {
  // With a uniform prior, B(1 + s, 1 + t - s) = 1 / ((t + 1) C(t, s)), so M_t(q) = 1 / ((t + 1) P(S_t = s; t, q)):
  // the mixture against the binomial probability of what was seen (Robbins 1970).
  it('is 1 / ((t + 1) binomial pmf) under a uniform prior', () => {
    const pmf = 120 * 0.3 ** 3 * 0.7 ** 7; // C(10, 3) = 120
    expect(logMixtureRatio(0.3, 3, 10, { a: 1, b: 1 })).toBeCloseTo(-Math.log(11 * pmf), 12);
    expect(logMixtureRatio(0.5, 0, 4, { a: 1, b: 1 })).toBeCloseTo(-Math.log(5 * 0.5 ** 4), 12);
  });

  it('excludes proportions the data make impossible', () => {
    expect(logMixtureRatio(0, 1, 5, { a: 1, b: 1 })).toBe(Number.POSITIVE_INFINITY);
    expect(logMixtureRatio(1, 4, 5, { a: 1, b: 1 })).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isFinite(logMixtureRatio(0, 0, 5, { a: 1, b: 1 }))).toBe(true);
  });

  it('gives an interval around the observed share that is wider than the fixed-sample exact one and shrinks', () => {
    const prior = { a: 50, b: 50 };
    const small = confidenceSequenceInterval(300, 1000, prior, 0.01);
    const large = confidenceSequenceInterval(3000, 10_000, prior, 0.01);
    for (const [ci, s, t] of [[small, 300, 1000], [large, 3000, 10_000]] as const) {
      expect(ci.lower).toBeLessThan(0.3);
      expect(ci.upper).toBeGreaterThan(0.3);
      // Its ends are where M_t crosses 1/alpha.
      expect(excludes(ci.lower - 1e-6, s, t, prior, 0.01)).toBe(true);
      expect(excludes(ci.lower + 1e-6, s, t, prior, 0.01)).toBe(false);
      expect(excludes(ci.upper + 1e-6, s, t, prior, 0.01)).toBe(true);
      expect(excludes(ci.upper - 1e-6, s, t, prior, 0.01)).toBe(false);
    }
    const exact = clopperPearsonInterval(300, 1000, 0.99);
    expect(small.lower).toBeLessThan(exact.lower);
    expect(small.upper).toBeGreaterThan(exact.upper);
    expect(large.upper - large.lower).toBeLessThan((small.upper - small.lower) / 2.5);
    expect(confidenceSequenceInterval(0, 0, prior, 0.01)).toEqual({ lower: 0, upper: 1 });
  });

  // Time-uniform coverage, by seeded simulation: the true share may leave the interval at ANY of 2,000 looks
  // in at most alpha of the paths (a fixed-sample interval checked that often would leave it far more often).
  it('covers the true proportion at every look at once in >= 1 - alpha of seeded paths', () => {
    const next = mt19937.factory({ seed: 20_260_101 });
    const uniform = () => next() / 2 ** 32;
    const alpha = 0.05;
    const q = 0.3;
    const prior = { a: 0.3 * 200, b: 0.7 * 200 };
    let left = 0;
    let fixedLeft = 0;
    const paths = 400;
    for (let path = 0; path < paths; path++) {
      let s = 0;
      let leftThis = false;
      let fixedThis = false;
      for (let t = 1; t <= 2000; t++) {
        if (uniform() < q) s++;
        if (t % 20 !== 0) continue;
        if (!leftThis && excludes(q, s, t, prior, alpha)) leftThis = true;
        if (!fixedThis) {
          const ci = clopperPearsonInterval(s, t, 1 - alpha);
          if (q < ci.lower || q > ci.upper) fixedThis = true;
        }
      }
      if (leftThis) left++;
      if (fixedThis) fixedLeft++;
    }
    expect(clopperPearsonInterval(left, paths, 0.95).lower).toBeLessThan(alpha);
    expect(left / paths).toBeLessThanOrEqual(alpha);
    // The point of a confidence sequence: looking 100 times at a fixed-sample interval is far from 95%.
    expect(fixedLeft / paths).toBeGreaterThan(2 * alpha);
  });
});
