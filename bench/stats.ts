/**
 * `npm run bench -- stats`: every proportion check's error rates and sample sizes, measured by seeded simulation
 * at its configured confidence, tolerance and caps, through the ShareJudge the suites use, looking after every
 * answer with the requests in flight as each suite's sender has them. No target: the platform is simulated
 * (harness/stats/simulate.ts), each request an independent draw of a seeded Mersenne Twister.
 *
 * The checks' parameters are those of their spec files (composition roots do not import suites): keep them in
 * step. Each rate comes with its 95% Clopper-Pearson interval, and `met` says whether that whole interval is
 * within the target (false-fail <= 1%, power >= 99%).
 */
import { fixedShareTest, simulateShareChecks, type SimulatedCheck, type SimulatedSender, type SimulationResult } from '../harness/index.ts';
import type { BenchContext } from './context.ts';
import { table } from './markdown.ts';

const QUICK = process.env.GAUNTLET_BENCH_QUICK === '1';
/** Runs per case: enough that each measured rate's 95% interval lies within its target (checked in the table). */
const RUNS = QUICK ? 100 : 4000;
const TARGET = { falseFail: 0.01, power: 0.99 };

interface Split {
  expected: Record<string, number>;
  label: string;
}

interface Check {
  id: string;
  splits: Split[];
  tolerance: number;
  /** Each split's confidence (the requirement's, split among its splits). */
  confidence: number;
  maxRequests: number;
  sender: SimulatedSender;
  /** The time budget, as the check states it. */
  budget: string;
  budgetSeconds: number;
  /** The mutant the requirement names, and how it moves the first share (0: not by 1.5x the tolerance). */
  mutant: string;
  mutantSign: 1 | -1 | 0;
}

const s7030 = { label: '70/30', expected: { a: 0.7, b: 0.3 } };
const s503020 = { label: '50/30/20', expected: { a: 0.5, b: 0.3, c: 0.2 } };
// SERVING.TRAFFIC.SPLIT: 4 split tests and 2 keep-alive checks at 1e-6 share 1% (Bonferroni).
const SPLIT_CONFIDENCE = 1 - (0.01 - 2 * 1e-6) / 4;

const CHECKS: Check[] = [
  {
    id: 'SERVING.TRAFFIC.SPLIT', splits: [s7030, s7030, s503020, s503020], tolerance: 0.02, confidence: SPLIT_CONFIDENCE, maxRequests: 50_000,
    sender: { inFlight: 15 }, budget: '360 s for the 4 splits, shared', budgetSeconds: 90, mutant: 'canary-skew=3', mutantSign: 1,
  },
  {
    id: 'MESH.ROUTE.WEIGHTS', splits: [{ label: '70/30', expected: { v1: 0.7, v2: 0.3 } }], tolerance: 0.02, confidence: 0.99, maxRequests: 50_000,
    sender: { batch: 1000 }, budget: '180 s', budgetSeconds: 180, mutant: 'mesh-weights-skewed=3', mutantSign: 1,
  },
  {
    id: 'MESH.FAULT.ABORT-RATE', splits: [{ label: '30% aborted', expected: { aborted: 0.3, served: 0.7 } }], tolerance: 0.03, confidence: 0.99,
    maxRequests: 30_000, sender: { batch: 1000 }, budget: '180 s', budgetSeconds: 180, mutant: 'fault-rate-off=4.5', mutantSign: -1,
  },
  {
    id: 'MESH.FAULT.DELAY', splits: [{ label: '50% delayed', expected: { delayed: 0.5, prompt: 0.5 } }], tolerance: 0.05, confidence: 0.99,
    maxRequests: 20_000, sender: { batch: 500 }, budget: '180 s', budgetSeconds: 180, mutant: 'fault-rate-off=7.5', mutantSign: -1,
  },
  {
    id: 'MESH.RETRY.RECOVERS', splits: [{ label: '87.5% succeed', expected: { succeeded: 0.875, failed: 0.125 } }], tolerance: 0.03, confidence: 0.99,
    maxRequests: 30_000, sender: { batch: 1000 }, budget: '180 s', budgetSeconds: 180, mutant: 'retries-ignored (37.5 pp off: no mutant at 1.5x)', mutantSign: 0,
  },
];

/** The shares with the first moved by `d` (a fraction), taken from or given to the second, as canary-skew moves them. */
function moved(expected: Record<string, number>, d: number): Record<string, number> {
  const [first, second] = Object.keys(expected) as [string, string];
  return { ...expected, [first]: expected[first]! + d, [second]: expected[second]! - d };
}

interface Row {
  check: string;
  label: string;
  goal: 'falseFail' | 'power';
  result: SimulationResult;
}

const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;
const pp = (x: number) => `${Number((x * 100).toFixed(2))} pp`;

/** The section: CPU only, no target. */
export function benchStats(b: BenchContext): Promise<string> {
  return Promise.resolve(section(b));
}

function section(b: BenchContext): string {
  const rows: Row[] = [];
  let seed = 1;
  const started = performance.now();
  const measure = (check: Check, label: string, goal: Row['goal'], splits: { split: Split; actual: Record<string, number> }[], errorRate = 0) => {
    const checks: SimulatedCheck[] = splits.map(({ split, actual }) => ({
      expected: split.expected, actual, errorRate, tolerance: check.tolerance, confidence: check.confidence, maxRequests: check.maxRequests, sender: check.sender,
    }));
    const t0 = performance.now();
    const result = simulateShareChecks({ checks, runs: RUNS, seed: seed++ });
    b.progress(`stats: ${check.id}, ${label}: ${result.pass} pass, ${result.fail} fail, ${result.inconclusive} inconclusive in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    rows.push({ check: check.id, label, goal, result });
  };
  for (const check of CHECKS) {
    const half = check.tolerance / 2;
    const far = check.tolerance * 1.5;
    const all = (d: number) => check.splits.map((split) => ({ split, actual: moved(split.expected, d) }));
    const many = check.splits.length > 1;
    const whole = many ? `all ${check.splits.length} splits` : check.splits[0]!.label;
    measure(check, `${whole}, exact`, 'falseFail', all(0));
    measure(check, `${whole}, first share +${pp(half)} (half the tolerance)`, 'falseFail', all(half));
    measure(check, `${whole}, first share -${pp(half)}`, 'falseFail', all(-half));
    if (check.id === 'MESH.ROUTE.WEIGHTS') measure(check, `${whole}, exact, 0.2% of requests failing (counted against the test)`, 'falseFail', all(0), 0.002);
    // Power: each distinct split alone (the requirement's splits each face the defect), then the whole requirement.
    const distinct = check.splits.filter((s, i) => check.splits.findIndex((x) => x.label === s.label) === i);
    for (const split of distinct) {
      for (const sign of [1, -1]) {
        const label = `${split.label}${many ? ' alone' : ''}, first share ${sign > 0 ? '+' : '-'}${pp(far)} (1.5x)${sign === check.mutantSign && !many ? `: ${check.mutant}` : ''}`;
        measure(check, label, 'power', [{ split, actual: moved(split.expected, sign * far) }]);
      }
    }
    if (many) measure(check, `${whole}, first share +${pp(far)} (1.5x): ${check.mutant}`, 'power', all(check.mutantSign * far));
  }
  const seconds = (performance.now() - started) / 1000;

  const met = (r: Row) => (r.goal === 'falseFail' ? r.result.failRate.upper <= TARGET.falseFail : r.result.failRate.lower >= TARGET.power);
  const rate = (r: Row) => `${pct(r.result.failRate.observed)} (${pct(r.result.failRate.lower)}..${pct(r.result.failRate.upper)})`;
  const requests = (r: Row) => {
    const per = r.result.checks;
    return per.length === 1 ? [Math.round(per[0]!.meanRequests), per[0]!.maxRequests] : [`${Math.round(r.result.meanRequests)} (4 splits)`, Math.max(...per.map((c) => c.maxRequests))];
  };
  const budgets = CHECKS.map((c) => {
    const most = Math.max(...rows.filter((r) => r.check === c.id).flatMap((r) => r.result.checks.map((x) => x.maxRequests)));
    return [c.id, `${pp(c.tolerance)}`, pct(c.confidence, 3), c.maxRequests, c.budget, most, Math.ceil(most / c.budgetSeconds), c.mutant];
  });
  const fixed = [
    { expected: 0.25, tolerance: 0.1, trials: 400 },
    { expected: 0.25, tolerance: 0.1, trials: 1000 },
    { expected: 0.5, tolerance: 0.05, trials: 2000 },
  ].map((o) => fixedShareTest(o));
  return [
    `Every proportion check's false-fail rate (verdict \`fail\` on a platform whose shares are exact or off by half the tolerance) and`,
    `power (verdict \`fail\` when the first share is off by 1.5x the tolerance), by seeded simulation: ${RUNS} runs per case (Mersenne Twister,`,
    'seeds 1, 2, ... in the order of the rows), each request drawn independently with the true shares, the judge looking after every answer',
    'with the requests in flight as the suite sends them (the serving split: 15 besides the one answered; the mesh: the rest of a',
    'batch of 1,000, or 500 for DELAY), counted against the test. Fail rates with their 95% Clopper-Pearson intervals; `met`: the whole',
    `interval within the target (false-fail <= ${pct(TARGET.falseFail, 0)}, power >= ${pct(TARGET.power, 0)}). Requests are those each split test used`,
    '(answered and in flight at its decision); for a requirement of several splits, the mean of their sum and the largest of one split.',
    `${rows.length} cases in ${seconds.toFixed(0)} s.`,
    '',
    table(
      ['requirement', 'case', 'target', 'pass', 'fail (95% CI)', 'inconclusive', 'mean requests', 'max requests', 'met'],
      rows.map((r) => [
        r.check, r.label, r.goal === 'falseFail' ? 'false-fail' : 'power', pct(r.result.passRate.observed), rate(r), r.result.inconclusive, ...requests(r), met(r) ? 'yes' : '**no**',
      ]),
    ),
    '',
    'Each check\'s design: tolerance, confidence of each split test, request cap, time budget, the most requests any simulated run of one',
    'split test took, the rate at which that run still fits the time budget (90 s per split for SPLIT: its 360 s over 4), and the',
    'mutant the requirement names (at 1.5x the tolerance but for RETRY\'s):',
    '',
    table(['requirement', 'tolerance', 'confidence per split', 'request cap', 'time budget', 'max requests simulated', 'req/s to fit the budget', 'mutant'], budgets),
    '',
    'The fixed-sample test of one share (harness/stats/fixed-share.ts, for checks whose number of requests a load sets), exact binomial',
    'sums at 99% confidence:',
    '',
    table(
      ['expected', 'tolerance', 'requests', 'fail at or below', 'fail at or above', 'false-fail (largest)', 'power at 1.5x (smallest)'],
      fixed.map((t) => [pct(t.expected, 0), pp(t.tolerance), t.trials, t.failAtOrBelow, t.failAtOrAbove, pct(t.falseFail, 3), pct(t.power, 3)]),
    ),
  ].join('\n');
}
