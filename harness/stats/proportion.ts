import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/** A two-sided interval for a proportion, at `confidence` (e.g. 0.99). */
export interface Interval {
  lower: number;
  upper: number;
  confidence: number;
}

function check(successes: number, trials: number, confidence: number): void {
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`trials must be a positive integer, not ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) throw new RangeError(`successes must be an integer in 0..${trials}, not ${successes}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), not ${confidence}`);
}

/**
 * Wilson's score interval (Wilson 1927): the proportions whose score test at `confidence` does not reject
 * the observed count. Good coverage at every n and p, never outside [0, 1], not degenerate at 0 or n.
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): Interval {
  check(successes, trials, confidence);
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  const z2 = z * z;
  const p = successes / trials;
  const center = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { lower: Math.max(0, center - half), upper: Math.min(1, center + half), confidence };
}

/**
 * Clopper and Pearson's "exact" interval (1934), from beta quantiles: coverage at least `confidence` for every
 * true proportion (conservative). The bound to use when an error rate must be shown to be below a limit.
 */
export function clopperPearsonInterval(successes: number, trials: number, confidence = 0.95): Interval {
  check(successes, trials, confidence);
  const alpha = 1 - confidence;
  const lower = successes === 0 ? 0 : betaQuantile(alpha / 2, successes, trials - successes + 1);
  const upper = successes === trials ? 1 : betaQuantile(1 - alpha / 2, successes + 1, trials - successes);
  return { lower, upper, confidence };
}
