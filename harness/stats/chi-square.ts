import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import chisquareQuantile from '@stdlib/stats-base-dists-chisquare-quantile';

export interface GoodnessOfFit {
  /** Pearson's X^2 = sum (observed - expected)^2 / expected. */
  statistic: number;
  degreesOfFreedom: number;
  /** P(X^2 >= statistic) under the expected shares. */
  pValue: number;
  /** The smallest expected count: below 5 the chi-square approximation is doubtful (Cochran's rule). */
  minExpected: number;
}

/**
 * Pearson's chi-square goodness-of-fit test of counts against expected shares (which are normalised). It tests
 * exact equality of the shares, with no tolerance: with enough requests any real deviation is significant, so it
 * is evidence beside the split test's decision, not the decision.
 */
export function chiSquareGoodnessOfFit(observed: readonly number[], expectedShares: readonly number[]): GoodnessOfFit {
  if (observed.length !== expectedShares.length || observed.length < 2) throw new RangeError('need two or more categories, as many counts as shares');
  if (expectedShares.some((s) => !(s > 0))) throw new RangeError('expected shares must be positive');
  const n = observed.reduce((a, b) => a + b, 0);
  const total = expectedShares.reduce((a, b) => a + b, 0);
  const expected = expectedShares.map((s) => (n * s) / total);
  const statistic = observed.reduce((sum, o, i) => sum + (o - expected[i]!) ** 2 / expected[i]!, 0);
  const degreesOfFreedom = observed.length - 1;
  return { statistic, degreesOfFreedom, pValue: 1 - chisquareCdf(statistic, degreesOfFreedom), minExpected: Math.min(...expected) };
}

/** The statistic's critical value: P(X^2 >= value) = alpha with `degreesOfFreedom`. */
export function chiSquareCritical(alpha: number, degreesOfFreedom: number): number {
  return chisquareQuantile(1 - alpha, degreesOfFreedom);
}
