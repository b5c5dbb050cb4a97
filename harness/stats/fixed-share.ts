import betaln from '@stdlib/math-base-special-betaln';
import { SPLIT_ZONE } from './split-test.ts';

/**
 * A fixed-sample test of one share against an expected one with a tolerance, for checks whose number of
 * requests is set by something else than the answers (a load of a given rate and duration, a step of a
 * rollout): count how many of `trials` requests were the outcome, and
 *
 * - fail when the count is <= `failAtOrBelow` or >= `failAtOrAbove`;
 * - pass otherwise.
 *
 * The thresholds are the widest that keep the exact chance of failing a share within tolerance / 2 of the
 * expected one at most 1 - confidence (binomial tails, summed over both thresholds, at the band's two ends,
 * where that chance is largest); `power` is then the exact chance of failing a share off by 1.5 x the
 * tolerance (the smaller of its two ends, beyond which it only grows). The same zone as the sequential split
 * test (SPLIT_ZONE). Nothing is simulated: the rates are binomial sums.
 */
export interface FixedShareTest {
  expected: number;
  tolerance: number;
  confidence: number;
  trials: number;
  /** Fail when the count is at most this (-1: never). */
  failAtOrBelow: number;
  /** Fail when the count is at least this (trials + 1: never). */
  failAtOrAbove: number;
  /** The exact chance of a fail when the true share is within tolerance / 2 of the expected one (its largest). */
  falseFail: number;
  /** The exact chance of a fail when the true share is off by 1.5 x the tolerance or more (its smallest). */
  power: number;
}

export interface FixedShareOptions {
  /** The expected share, in (0, 1). */
  expected: number;
  /** As a fraction (0.05: 5 percentage points). */
  tolerance: number;
  /** 1 - the largest acceptable false-fail chance (default 0.99). */
  confidence?: number;
  /** How many requests are counted. */
  trials: number;
}

export interface FixedShareJudgement {
  verdict: 'pass' | 'fail' | 'inconclusive';
  reason: string;
}

/** ln P(S = k) for S ~ Binomial(n, q), 0 < q < 1. */
function lnPmf(k: number, n: number, lnQ: number, ln1Q: number): number {
  return -Math.log(n + 1) - betaln(k + 1, n - k + 1) + k * lnQ + (n - k) * ln1Q;
}

/**
 * P(S <= k) and P(S >= k), k = 0..n, for S ~ Binomial(n, q): each summed from its own far end, so that small
 * tails keep their precision.
 */
function binomialTails(n: number, q: number): { atOrBelow: Float64Array; atOrAbove: Float64Array } {
  const atOrBelow = new Float64Array(n + 1);
  const atOrAbove = new Float64Array(n + 1);
  if (q <= 0 || q >= 1) {
    for (let k = 0; k <= n; k++) {
      atOrBelow[k] = q <= 0 ? 1 : k === n ? 1 : 0;
      atOrAbove[k] = q >= 1 ? 1 : k === 0 ? 1 : 0;
    }
    return { atOrBelow, atOrAbove };
  }
  const lnQ = Math.log(q);
  const ln1Q = Math.log1p(-q);
  const pmf = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) pmf[k] = Math.exp(lnPmf(k, n, lnQ, ln1Q));
  let sum = 0;
  for (let k = 0; k <= n; k++) atOrBelow[k] = Math.min(1, (sum += pmf[k]!));
  sum = 0;
  for (let k = n; k >= 0; k--) atOrAbove[k] = Math.min(1, (sum += pmf[k]!));
  return { atOrBelow, atOrAbove };
}

/** P(S <= k) or P(S >= k) for S ~ Binomial(n, q). */
export function binomialTail(side: 'atOrBelow' | 'atOrAbove', k: number, n: number, q: number): number {
  if (side === 'atOrBelow' ? k < 0 : k > n) return 0;
  if (side === 'atOrBelow' ? k >= n : k <= 0) return 1;
  return binomialTails(n, q)[side][k]!;
}

/** The chance that the test fails when the true share is `q`. */
export function fixedShareFailChance(t: Pick<FixedShareTest, 'failAtOrBelow' | 'failAtOrAbove' | 'trials'>, q: number): number {
  return chance(binomialTails(t.trials, q), t.failAtOrBelow, t.failAtOrAbove);
}

function chance(tails: ReturnType<typeof binomialTails>, below: number, above: number): number {
  const n = tails.atOrBelow.length - 1;
  return Math.min(1, (below < 0 ? 0 : tails.atOrBelow[Math.min(below, n)]!) + (above > n ? 0 : tails.atOrAbove[Math.max(above, 0)]!));
}

/** The test for `trials` requests; see FixedShareTest. */
export function fixedShareTest(o: FixedShareOptions): FixedShareTest {
  const { expected: p, tolerance } = o;
  const confidence = o.confidence ?? 0.99;
  const n = o.trials;
  if (!(p > 0 && p < 1)) throw new RangeError(`the expected share must be in (0, 1), not ${p}`);
  if (!(tolerance > 0 && tolerance < 1)) throw new RangeError(`tolerance must be in (0, 1), not ${tolerance}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), not ${confidence}`);
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`trials must be a positive integer, not ${n}`);
  const alpha = 1 - confidence;
  const lo = binomialTails(n, Math.max(0, p - SPLIT_ZONE.falseFailWithin * tolerance));
  const hi = binomialTails(n, Math.min(1, p + SPLIT_ZONE.falseFailWithin * tolerance));
  // Each threshold alone at alpha, then each moved outward until both ends of the band hold.
  let below = -1;
  while (below + 1 < n && lo.atOrBelow[below + 1]! <= alpha) below++;
  let above = n + 1;
  while (above - 1 > 0 && hi.atOrAbove[above - 1]! <= alpha) above--;
  for (;;) {
    if (chance(hi, below, above) > alpha) above++;
    else if (chance(lo, below, above) > alpha) below--;
    else break;
  }
  const falseFail = Math.max(chance(lo, below, above), chance(hi, below, above));
  const off = SPLIT_ZONE.powerBeyond * tolerance;
  const ends = [p - off, p + off].filter((q) => q > 0 && q < 1);
  const power = ends.length === 0 ? 0 : Math.min(...ends.map((q) => chance(binomialTails(n, q), below, above)));
  return { expected: p, tolerance, confidence, trials: n, failAtOrBelow: below, failAtOrAbove: above, falseFail, power };
}

/**
 * The smallest number of requests whose test has at least `power` (default: its confidence) against a share off
 * by 1.5 x the tolerance. Searched upward from a normal approximation's lower bound.
 */
export function fixedShareTrials(o: Omit<FixedShareOptions, 'trials'> & { power?: number; maxTrials?: number }): number {
  const confidence = o.confidence ?? 0.99;
  const power = o.power ?? confidence;
  const maxTrials = o.maxTrials ?? 1_000_000;
  const holds = (n: number) => fixedShareTest({ ...o, confidence, trials: n }).power >= power;
  // Doubling, then bisection: power is not monotone in n at the scale of a few requests (the thresholds are
  // integers), so the answer is the smallest n found that holds, checked against its predecessors nearby.
  let high = 16;
  while (!holds(high)) {
    if (high >= maxTrials) throw new RangeError(`no test of at most ${maxTrials} requests has power ${power}`);
    high = Math.min(maxTrials, high * 2);
  }
  let low = Math.floor(high / 2);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (holds(mid)) high = mid;
    else low = mid;
  }
  return high;
}

/**
 * Judges `count` answers that were the outcome among the test's trials, with `others` (answers that were none
 * of the outcomes, failed requests) counted against the test: fail only if it fails whatever they were, pass
 * only if it passes whatever they were, inconclusive otherwise. The rest of the trials were other outcomes.
 */
export function judgeFixedShare(t: FixedShareTest, count: number, others = 0): FixedShareJudgement {
  if (!(count >= 0 && others >= 0 && count + others <= t.trials)) throw new RangeError(`count + others (${count} + ${others}) must be at most the test's trials (${t.trials})`);
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const pp = (x: number) => `${Number((x * 100).toFixed(2))} pp`;
  const share = `${count}${others ? ` (+ ${others} failed)` : ''} of ${t.trials} (${pct(count / t.trials)})`;
  const band = `fail at <= ${t.failAtOrBelow} or >= ${t.failAtOrAbove}`;
  const rates = `expected ${pct(t.expected)}, tolerance ${pp(t.tolerance)}; false-fail ${pct(t.falseFail)}, power ${pct(t.power)} at ${pp(SPLIT_ZONE.powerBeyond * t.tolerance)} off`;
  if (count >= t.failAtOrAbove || count + others <= t.failAtOrBelow) return { verdict: 'fail', reason: `${share}: ${band} (${rates})` };
  if (count + others < t.failAtOrAbove && count > t.failAtOrBelow) return { verdict: 'pass', reason: `${share}: within ${t.failAtOrBelow + 1}..${t.failAtOrAbove - 1} (${rates})` };
  return { verdict: 'inconclusive', reason: `${share}: the ${others} failed requests decide whether it is within ${t.failAtOrBelow + 1}..${t.failAtOrAbove - 1} (${rates})` };
}
