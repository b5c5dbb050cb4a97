import { describe, expect, it } from 'vitest';
import { chiSquareCritical, chiSquareGoodnessOfFit } from './chi-square.ts';

describe('chiSquareGoodnessOfFit', () => {
  // Mendel's (1866) dihybrid cross as Fisher (1936, "Has Mendel's work been rediscovered?", Annals of
  // Science 1) tested it: 315 round-yellow, 108 round-green, 101 wrinkled-yellow, 32 wrinkled-green against
  // 9:3:3:1; X^2 = 0.470 on 3 degrees of freedom, P = 0.925.
  it("gives Fisher's X^2 = 0.470, P = 0.925 for Mendel's peas", () => {
    const r = chiSquareGoodnessOfFit([315, 108, 101, 32], [9, 3, 3, 1]);
    expect(r.statistic).toBeCloseTo(0.47, 3);
    expect(r.degreesOfFreedom).toBe(3);
    expect(r.pValue).toBeCloseTo(0.925, 3);
    expect(r.minExpected).toBeCloseTo(34.75, 10);
  });

  it('takes shares as fractions or percents alike, and is 0 on an exact fit', () => {
    expect(chiSquareGoodnessOfFit([70, 30], [0.7, 0.3]).statistic).toBe(0);
    expect(chiSquareGoodnessOfFit([700, 300], [70, 30]).pValue).toBe(1);
    expect(chiSquareGoodnessOfFit([750, 250], [70, 30]).pValue).toBeLessThan(0.001);
  });

  it('refuses mismatched or empty inputs', () => {
    expect(() => chiSquareGoodnessOfFit([1, 2], [1])).toThrow(RangeError);
    expect(() => chiSquareGoodnessOfFit([1], [1])).toThrow(RangeError);
    expect(() => chiSquareGoodnessOfFit([1, 2], [0, 1])).toThrow(RangeError);
  });
});

describe('chiSquareCritical', () => {
  // NIST/SEMATECH e-Handbook of Statistical Methods, 1.3.6.7.4, "Critical values of the chi-square distribution".
  it.each([
    [0.05, 1, 3.841],
    [0.01, 2, 9.21],
    [0.05, 3, 7.815],
    [0.01, 10, 23.209],
  ])('upper %f critical value with %i df is %f', (alpha, df, value) => {
    expect(chiSquareCritical(alpha, df)).toBeCloseTo(value, 3);
  });
});
