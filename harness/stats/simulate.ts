import mt19937 from '@stdlib/random-base-mt19937';
import { clopperPearsonInterval } from './proportion.ts';
import { ShareJudge } from './share-judge.ts';
import type { SplitTestOptions } from './split-test.ts';

/**
 * How a suite sends the requests of a share check, which decides what the judge sees at each answer:
 * `inFlight`: a concurrent sender keeping that many requests in flight besides the one that answered (the
 * serving split's sampler: its concurrency - 1); `batch`: batches of that many requests, reported sent before
 * the first of them answers (the mesh's clients). Either way the judge looks after every answer.
 */
export type SimulatedSender = { inFlight: number } | { batch: number };

export interface SimulatedCheck extends SplitTestOptions {
  /** The platform's true shares, by the same names as `expected` (they may differ from it). */
  actual: Readonly<Record<string, number>>;
  /** The chance that a request fails (answers none of the outcomes); default 0. */
  errorRate?: number;
  sender: SimulatedSender;
}

export interface SimulationOptions {
  /** The share checks of one requirement, judged one after the other in each run: any fail fails the run, all pass pass it. */
  checks: readonly SimulatedCheck[];
  runs: number;
  /** Seed of the Mersenne Twister behind the draws: the same seed, the same results. */
  seed: number;
}

export interface Rate {
  observed: number;
  /** The 95% Clopper-Pearson interval. */
  lower: number;
  upper: number;
}

export interface SimulationResult {
  runs: number;
  pass: number;
  fail: number;
  inconclusive: number;
  failRate: Rate;
  passRate: Rate;
  /** Requests each check used (its judge's decision: answered and in flight), over all runs. */
  checks: { meanRequests: number; maxRequests: number }[];
  /** Requests per run, all checks together. */
  meanRequests: number;
  maxRequests: number;
}

/**
 * Runs a requirement's share checks `runs` times on simulated traffic, through the ShareJudge the suites use,
 * to measure its error rates and sample sizes. Each request is independent: one uniform draw of a seeded
 * Mersenne Twister against the cumulative true shares (and the error rate). The judge looks after every
 * answer, as the suites' do, with the requests in flight as the suite's sender has them. (Not
 * @stdlib/random-base-binomial 0.2.2: its draws are biased when n * p >= 10, e.g. a mean of 10.55 for n = 20,
 * p = 0.5.)
 */
export function simulateShareChecks(o: SimulationOptions): SimulationResult {
  const next = mt19937.factory({ seed: o.seed });
  const uniform = () => next() / 2 ** 32;
  const plans = o.checks.map((c) => {
    const names = Object.keys(c.expected);
    const e = c.errorRate ?? 0;
    const cumulative: number[] = [];
    let sum = 0;
    for (const n of names) cumulative.push((sum += (c.actual[n] ?? 0) * (1 - e)));
    if (Math.abs(sum + e - 1) > 1e-9) throw new RangeError(`actual shares sum to ${sum / (1 - e)}, not 1`);
    return { c, names, cumulative, e };
  });
  let pass = 0;
  let fail = 0;
  let inconclusive = 0;
  let total = 0;
  let most = 0;
  const per = o.checks.map(() => ({ sum: 0, max: 0 }));
  for (let r = 0; r < o.runs; r++) {
    const verdicts: string[] = [];
    let requests = 0;
    plans.forEach(({ c, names, cumulative, e }, k) => {
      const { actual: _a, errorRate: _e, sender, ...options } = c;
      const judge = new ShareJudge({ ...options, ...('inFlight' in sender ? { inFlight: sender.inFlight } : {}) });
      const answer = () => {
        const u = uniform();
        if (u >= 1 - e) {
          judge.other('error');
          return;
        }
        let i = 0;
        while (i < names.length - 1 && u >= cumulative[i]!) i++;
        judge.outcome(names[i]!);
      };
      if ('batch' in sender) {
        while (!judge.done) {
          judge.sent(sender.batch);
          for (let j = 0; j < sender.batch; j++) answer();
        }
      } else {
        while (!judge.done) answer();
      }
      const j = judge.judgement();
      verdicts.push(j.verdict);
      requests += j.report.requests;
      per[k]!.sum += j.report.requests;
      per[k]!.max = Math.max(per[k]!.max, j.report.requests);
    });
    if (verdicts.includes('fail')) fail++;
    else if (verdicts.every((v) => v === 'pass')) pass++;
    else inconclusive++;
    total += requests;
    most = Math.max(most, requests);
  }
  const rate = (k: number): Rate => {
    const ci = clopperPearsonInterval(k, o.runs, 0.95);
    return { observed: k / o.runs, lower: ci.lower, upper: ci.upper };
  };
  return {
    runs: o.runs, pass, fail, inconclusive, failRate: rate(fail), passRate: rate(pass),
    checks: per.map((p) => ({ meanRequests: p.sum / o.runs, maxRequests: p.max })),
    meanRequests: total / o.runs, maxRequests: most,
  };
}
