import betaln from '@stdlib/math-base-special-betaln';

/** A Beta(a, b) mixing distribution over the proportion. */
export interface BetaPrior {
  a: number;
  b: number;
}

/** x * ln(y), with 0 * ln(0) = 0. */
function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

/**
 * ln M_t(q): the beta-binomial mixture likelihood ratio against the proportion `q` after `successes` in `trials`
 * Bernoulli observations (Robbins 1970; Howard, Ramdas, McAuliffe and Sekhon 2021, "Time-uniform, nonparametric,
 * nonasymptotic confidence sequences", Ann. Statist. 49(2), the beta-binomial mixture):
 *
 *   M_t(q) = B(a + S_t, b + t - S_t) / B(a, b) / (q^S_t (1 - q)^(t - S_t))
 *
 * Under q, M_t(q) is a nonnegative martingale with M_0 = 1, so by Ville's inequality it reaches 1/alpha at any
 * time, however often it is looked at, with probability at most alpha.
 */
export function logMixtureRatio(q: number, successes: number, trials: number, prior: BetaPrior): number {
  const failures = trials - successes;
  if ((q <= 0 && successes > 0) || (q >= 1 && failures > 0)) return Number.POSITIVE_INFINITY;
  return betaln(prior.a + successes, prior.b + failures) - betaln(prior.a, prior.b) - xlogy(successes, q) - xlogy(failures, 1 - q);
}

/** Whether the proportion `q` is outside the confidence sequence at level alpha (ln M_t(q) >= ln(1/alpha)). */
export function excludes(q: number, successes: number, trials: number, prior: BetaPrior, alpha: number): boolean {
  return logMixtureRatio(q, successes, trials, prior) >= Math.log(1 / alpha);
}

/**
 * The confidence sequence's interval at this time: every q with M_t(q) < 1/alpha. ln M_t is convex in q with its
 * minimum (<= 0) at the observed proportion, so the set is an interval around it; its ends are found by bisection.
 * Valid simultaneously over all times: P(the true proportion ever leaves it) <= alpha.
 */
export function confidenceSequenceInterval(successes: number, trials: number, prior: BetaPrior, alpha: number): { lower: number; upper: number } {
  if (trials === 0) return { lower: 0, upper: 1 };
  const threshold = Math.log(1 / alpha);
  const mle = successes / trials;
  const inside = (q: number) => logMixtureRatio(q, successes, trials, prior) < threshold;
  const edge = (out: number, inn: number) => {
    if (inside(out)) return out;
    for (let i = 0; i < 64; i++) {
      const mid = (out + inn) / 2;
      if (inside(mid)) inn = mid;
      else out = mid;
    }
    return inn;
  };
  return { lower: edge(0, mle), upper: edge(1, mle) };
}
