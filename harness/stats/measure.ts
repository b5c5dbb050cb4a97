// Measures the sequential split test by seeded simulation and prints the table in README.md:
//   node harness/stats/measure.ts [runs]
// Each case: `runs` simulated tests (default 10,000), each request drawn independently with the true shares,
// the test looking every 10 requests; rates with 95% Clopper-Pearson intervals.
import { simulateSplitTest } from './simulate.ts';

const runs = Number(process.argv[2] ?? 10_000);
const s70 = { a: 0.7, b: 0.3 };
const s50 = { a: 0.5, b: 0.5 };
const s3 = { a: 0.5, b: 0.3, c: 0.2 };
const cases: [string, Record<string, number>, Record<string, number>, number, number][] = [
  // label, expected, actual, confidence, runs divisor
  ['70/30, correct', s70, s70, 0.99, 1],
  ['70/30, 5 pp skew (75/25)', s70, { a: 0.75, b: 0.25 }, 0.99, 1],
  ['50/50, correct', s50, s50, 0.99, 1],
  ['50/50, 5 pp skew (55/45)', s50, { a: 0.55, b: 0.45 }, 0.99, 1],
  ['50/30/20, correct', s3, s3, 0.99, 1],
  ['50/30/20, 5 pp skew (55/25/20)', s3, { a: 0.55, b: 0.25, c: 0.2 }, 0.99, 1],
  ['70/30, 1 pp off (71/29), within tolerance', s70, { a: 0.71, b: 0.29 }, 0.99, 5],
  ['70/30, 3 pp skew (73/27)', s70, { a: 0.73, b: 0.27 }, 0.99, 5],
  ['70/30, correct, at 99.75% (SPLIT, one of 4)', s70, s70, 0.9975, 5],
  ['70/30, 5 pp skew, at 99.75%', s70, { a: 0.75, b: 0.25 }, 0.9975, 5],
  ['50/30/20, correct, at 99.75%', s3, s3, 0.9975, 5],
  ['50/30/20, 5 pp skew, at 99.75%', s3, { a: 0.55, b: 0.25, c: 0.2 }, 0.9975, 5],
];
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
console.log('| case | confidence | runs | pass | fail (95% CI) | inconclusive | mean requests | max requests |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
let seed = 1;
for (const [label, expected, actual, confidence, div] of cases) {
  const n = Math.round(runs / div);
  const r = simulateSplitTest({ expected, actual, confidence, runs: n, seed: seed++, batch: 10 });
  console.log(
    `| ${label} | ${pct(confidence)} | ${n} | ${pct(r.passRate.observed)} | ${pct(r.failRate.observed)} (${pct(r.failRate.lower)}..${pct(r.failRate.upper)}) | ${r.inconclusive} | ${Math.round(r.meanRequests)} | ${r.maxRequests} |`,
  );
}
