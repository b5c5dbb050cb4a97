import mt19937 from '@stdlib/random-base-mt19937';
import { clopperPearsonInterval } from './proportion.ts';
import { SequentialSplitTest, type SplitTestOptions } from './split-test.ts';

export interface SimulationOptions extends SplitTestOptions {
  /** The platform's true shares, by the same names as `expected` (they may differ from it). */
  actual: Readonly<Record<string, number>>;
  runs: number;
  /** Seed of the Mersenne Twister behind the draws: the same seed, the same results. */
  seed: number;
  /** Observations between two looks of the test (default 10); looking more often can only stop it earlier. */
  batch?: number;
}

export interface SimulationResult {
  runs: number;
  pass: number;
  fail: number;
  inconclusive: number;
  /** Mean observations until the test stopped, over all runs. */
  meanRequests: number;
  /** Largest observations any run used. */
  maxRequests: number;
  /** 95% Clopper-Pearson intervals of the rates of fail and pass decisions. */
  failRate: { observed: number; lower: number; upper: number };
  passRate: { observed: number; lower: number; upper: number };
}

/**
 * Runs the sequential split test `runs` times on simulated traffic whose per-request choice follows `actual`
 * (each request independent: one uniform draw of a seeded Mersenne Twister against the cumulative shares),
 * to measure its error rates and sample sizes. (Not @stdlib/random-base-binomial 0.2.2: its draws are biased
 * when n * p >= 10, e.g. a mean of 10.55 for n = 20, p = 0.5.)
 */
export function simulateSplitTest(o: SimulationOptions): SimulationResult {
  const next = mt19937.factory({ seed: o.seed });
  const uniform = () => next() / 2 ** 32;
  const names = Object.keys(o.expected);
  const cumulative: number[] = [];
  names.reduce((sum, n) => (cumulative.push(sum + (o.actual[n] ?? 0)), sum + (o.actual[n] ?? 0)), 0);
  const pick = () => {
    const u = uniform();
    const i = cumulative.findIndex((c) => u < c);
    return i < 0 ? names.length - 1 : i;
  };
  const batch = o.batch ?? 10;
  let pass = 0;
  let fail = 0;
  let inconclusive = 0;
  let total = 0;
  let most = 0;
  for (let r = 0; r < o.runs; r++) {
    const test = new SequentialSplitTest(o);
    while (!test.done) {
      const counts: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
      for (let j = 0; j < batch; j++) counts[names[pick()]!]! += 1;
      test.addCounts(counts);
    }
    if (test.decision === 'pass') pass++;
    else if (test.decision === 'fail') fail++;
    else inconclusive++;
    total += test.requests;
    most = Math.max(most, test.requests);
  }
  const rate = (k: number) => {
    const ci = clopperPearsonInterval(k, o.runs, 0.95);
    return { observed: k / o.runs, lower: ci.lower, upper: ci.upper };
  };
  return { runs: o.runs, pass, fail, inconclusive, meanRequests: total / o.runs, maxRequests: most, failRate: rate(fail), passRate: rate(pass) };
}
