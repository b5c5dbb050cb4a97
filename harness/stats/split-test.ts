import betaln from '@stdlib/math-base-special-betaln';
import { confidenceSequenceInterval, type BetaPrior } from './confidence-sequence.ts';

/** `undecided` while the test runs; `inconclusive` once it reached its request cap undecided. */
export type SplitDecision = 'pass' | 'fail' | 'undecided' | 'inconclusive';

export interface SplitTestOptions {
  /** Name (a revision) -> expected share, each in (0, 1), summing to 1 (Knative's percents / 100). */
  expected: Readonly<Record<string, number>>;
  /**
   * The tolerance of every share, as a fraction (default 0.02: 2 percentage points). The test passes a split
   * whose every share is within half of it with probability >= confidence, and fails one with a share off by
   * 1.5 times it or more with probability >= confidence (see SPLIT_ZONE).
   */
  tolerance?: number;
  /** The probability of each of those two right answers, for every true split at once (default 0.99). */
  confidence?: number;
  /** Requests (answered and in flight) after which an undecided test is inconclusive (default 50,000). */
  maxRequests?: number;
  /**
   * a + b of each share's Beta mixing distribution, centred on its expected share p. Default: the concentration
   * whose standard deviation, sqrt(p (1 - p) / (a + b + 1)), equals the tolerance (see README.md).
   */
  priorConcentration?: number;
}

export interface ShareReport {
  name: string;
  expected: number;
  /** Answers that were this outcome. */
  count: number;
  /** Observed share, count / answered requests (0 before the first). */
  observed: number;
  /**
   * The share's confidence-sequence interval now, at the per-share level, with every unknown request counted
   * against it: the lower end as if every other answer and every request in flight were not this outcome,
   * the upper end as if they all were.
   */
  lower: number;
  upper: number;
  /** `within`: the interval lies inside expected +- 1.5 tolerance; `outside`: entirely outside expected +- tolerance / 2. */
  verdict: 'within' | 'outside' | 'undecided';
}

export interface SplitReport {
  decision: SplitDecision;
  /** Requests the decision is about: answered (outcomes and others) and in flight. */
  requests: number;
  /** Answers that were none of the outcomes, counted against the test (either way). */
  others: number;
  /** Requests in flight when the test last looked, counted against the test (either way). */
  inFlight: number;
  tolerance: number;
  /** Half the tolerance: a share this near its expected one fails with probability <= 1 - confidence. */
  failBeyond: number;
  /** 1.5 x the tolerance: a share this far from its expected one passes with probability <= 1 - confidence. */
  passWithin: number;
  confidence: number;
  /** The level of each share's interval: 1 - (1 - confidence) / m, m = 1 for two shares, else their number. */
  perShareConfidence: number;
  maxRequests: number;
  shares: ShareReport[];
  /** One line: why it passed, failed or is not decided. */
  reason: string;
}

export const SPLIT_DEFAULTS = { tolerance: 0.02, confidence: 0.99, maxRequests: 50_000 } as const;

/**
 * Where the split test's guarantees hold, as multiples of the tolerance: a share off by at most
 * `falseFailWithin` x tolerance fails with probability <= 1 - confidence; a share off by `powerBeyond` x
 * tolerance or more passes with probability <= 1 - confidence. In between (the indifference zone) either
 * answer may come; the tolerance is its middle.
 */
export const SPLIT_ZONE = { falseFailWithin: 0.5, powerBeyond: 1.5 } as const;

/**
 * ln B(a + s, b + t - s) - ln B(a, b) as s and t move by a few at a time (one answer, or the requests in flight
 * changing): stepped with B(x + 1, y) = B(x, y) x / (x + y), one log per step, and recomputed from
 * @stdlib's betaln after a large move or every 4,096 steps, so that rounding cannot build up.
 */
class LogBetaRatio {
  private s = 0;
  private f = 0;
  private value = 0;
  private steps = 0;
  private readonly prior: BetaPrior;
  private readonly lnB0: number;

  constructor(prior: BetaPrior, lnB0: number) {
    this.prior = prior;
    this.lnB0 = lnB0;
  }

  at(s: number, t: number): number {
    const f = t - s;
    const ds = s - this.s;
    const df = f - this.f;
    if (Math.abs(ds) + Math.abs(df) > 32 || this.steps > 4096) {
      this.value = betaln(this.prior.a + s, this.prior.b + f) - this.lnB0;
      this.s = s;
      this.f = f;
      this.steps = 0;
      return this.value;
    }
    const { a, b } = this.prior;
    for (; this.s < s; this.s++) this.value += Math.log((a + this.s) / (a + b + this.s + this.f));
    for (; this.s > s; ) this.value -= Math.log((a + --this.s) / (a + b + this.s + this.f));
    for (; this.f < f; this.f++) this.value += Math.log((b + this.f) / (a + b + this.s + this.f));
    for (; this.f > f; ) this.value -= Math.log((b + --this.f) / (a + b + this.s + this.f));
    this.steps += Math.abs(ds) + Math.abs(df);
    return this.value;
  }
}

/** One share's mixture and the four band edges it is tested against, with their logs precomputed. */
interface ShareState {
  prior: BetaPrior;
  /** ln B(a + s, b + t - s) - ln B(a, b) at the low and at the high count. */
  lbLo: LogBetaRatio;
  lbHi: LogBetaRatio;
  /** Fail band [failLo, failHi] (expected -+ tolerance / 2), pass band [passLo, passHi] (expected -+ 1.5 tolerance). */
  failLo: Edge | undefined;
  failHi: Edge | undefined;
  passLo: Edge | undefined;
  passHi: Edge | undefined;
}

interface Edge {
  q: number;
  lnQ: number;
  ln1Q: number;
}

const edge = (q: number): Edge => ({ q, lnQ: Math.log(q), ln1Q: Math.log1p(-q) });

/** t KL(s/t || q): an upper bound of ln M_t(q) for any mixing distribution (a mixture is at most its best component). */
function klBound(s: number, t: number, e: Edge): number {
  const f = t - s;
  return (s > 0 ? s * (Math.log(s / t) - e.lnQ) : 0) + (f > 0 ? f * (Math.log(f / t) - e.ln1Q) : 0);
}

/**
 * A sequential test of a k-way traffic split against expected shares with a tolerance, decided by anytime-valid
 * confidence sequences (one beta-binomial mixture per share, harness/stats/confidence-sequence.ts), with an
 * indifference zone around the tolerance:
 *
 * - fail as soon as one share's interval lies entirely outside [expected - tolerance / 2, expected + tolerance / 2];
 * - pass as soon as every share's interval lies inside [expected - 1.5 tolerance, expected + 1.5 tolerance];
 * - otherwise go on; at `maxRequests`, inconclusive.
 *
 * Each interval holds at every time simultaneously with probability >= 1 - alpha/m (m shares, Bonferroni; m = 1
 * for two shares, which mirror each other). So a split whose every share is within tolerance / 2 fails with
 * probability <= alpha, and one with a share off by 1.5 x tolerance or more passes with probability <= alpha,
 * however often the test looks. The two bands overlap, so every split is decided given enough requests.
 *
 * Answers that are none of the outcomes (`addOther`) and requests still in flight (`setInFlight`) are counted
 * against the test: to fail, a share's interval must lie outside the fail band even if they all went the way
 * that keeps it inside; to pass, inside the pass band even if they all went the other way. A decision therefore
 * holds whatever the in-flight requests turn out to be. See README.md for the measured error rates.
 */
export class SequentialSplitTest {
  readonly names: readonly string[];
  readonly expected: readonly number[];
  readonly tolerance: number;
  readonly confidence: number;
  readonly maxRequests: number;
  readonly perShareAlpha: number;
  private readonly states: ShareState[];
  private readonly threshold: number;
  private readonly counts: number[];
  private answered = 0;
  private othersCount = 0;
  private pending = 0;
  private state: SplitDecision = 'undecided';
  private verdicts: ShareReport['verdict'][];

  constructor(o: SplitTestOptions) {
    const entries = Object.entries(o.expected);
    if (entries.length < 2) throw new RangeError('a split needs two or more shares');
    if (entries.some(([, s]) => !(s > 0 && s < 1))) throw new RangeError('every expected share must be in (0, 1)');
    const sum = entries.reduce((a, [, s]) => a + s, 0);
    if (Math.abs(sum - 1) > 1e-9) throw new RangeError(`expected shares sum to ${sum}, not 1`);
    this.tolerance = o.tolerance ?? SPLIT_DEFAULTS.tolerance;
    this.confidence = o.confidence ?? SPLIT_DEFAULTS.confidence;
    this.maxRequests = o.maxRequests ?? SPLIT_DEFAULTS.maxRequests;
    if (!(this.tolerance > 0 && this.tolerance < 1)) throw new RangeError(`tolerance must be in (0, 1), not ${this.tolerance}`);
    if (!(this.confidence > 0 && this.confidence < 1)) throw new RangeError(`confidence must be in (0, 1), not ${this.confidence}`);
    if (!(this.maxRequests >= 1)) throw new RangeError(`maxRequests must be >= 1, not ${this.maxRequests}`);
    this.names = entries.map(([n]) => n);
    this.expected = entries.map(([, s]) => s);
    const { falseFailWithin, powerBeyond } = SPLIT_ZONE;
    this.states = this.expected.map((p) => {
      const c = o.priorConcentration ?? Math.max(2, (p * (1 - p)) / this.tolerance ** 2 - 1);
      const prior = { a: c * p, b: c * (1 - p) };
      // An edge beyond [0, 1] is none: no share can lie beyond it.
      const inside = (q: number) => (q > 0 && q < 1 ? edge(q) : undefined);
      const lnB0 = betaln(prior.a, prior.b);
      return {
        prior,
        lbLo: new LogBetaRatio(prior, lnB0),
        lbHi: new LogBetaRatio(prior, lnB0),
        failLo: inside(p - falseFailWithin * this.tolerance),
        failHi: inside(p + falseFailWithin * this.tolerance),
        passLo: inside(p - powerBeyond * this.tolerance),
        passHi: inside(p + powerBeyond * this.tolerance),
      };
    });
    this.perShareAlpha = (1 - this.confidence) / (entries.length === 2 ? 1 : entries.length);
    this.threshold = Math.log(1 / this.perShareAlpha);
    this.counts = entries.map(() => 0);
    this.verdicts = entries.map(() => 'undecided');
  }

  get decision(): SplitDecision {
    return this.state;
  }

  /** Requests the test is about: answered (outcomes and others) and in flight. */
  get requests(): number {
    return this.answered + this.pending;
  }

  /** Whether the test has stopped (pass, fail or inconclusive); further observations are ignored then. */
  get done(): boolean {
    return this.state !== 'undecided';
  }

  /** Records `n` answers that were `name` and decides; returns the decision. Unknown names throw. */
  add(name: string, n = 1): SplitDecision {
    const i = this.indexOf(name);
    if (this.done) return this.state;
    this.counts[i]! += n;
    this.answered += n;
    return this.decide();
  }

  /** Records a batch of counts by name, then decides once (a batch may overshoot the earliest stopping time). */
  addCounts(counts: Readonly<Record<string, number>>): SplitDecision {
    const add = Object.entries(counts).map(([name, n]) => [this.indexOf(name), n] as const);
    if (this.done) return this.state;
    for (const [i, n] of add) {
      this.counts[i]! += n;
      this.answered += n;
    }
    return this.decide();
  }

  /** Records `n` answers that were none of the outcomes (failed requests), counted against the test, and decides. */
  addOther(n = 1): SplitDecision {
    if (this.done) return this.state;
    this.othersCount += n;
    this.answered += n;
    return this.decide();
  }

  /**
   * Sets how many requests are in flight (sent, not answered) as of now; the next look counts them against the
   * test. Does not decide by itself: an answer does (or call `look`).
   */
  setInFlight(n: number): void {
    if (!(n >= 0)) throw new RangeError(`requests in flight must be >= 0, not ${n}`);
    if (!this.done) this.pending = n;
  }

  /** Decides on what has been recorded (after setInFlight, say); returns the decision. */
  look(): SplitDecision {
    return this.done ? this.state : this.decide();
  }

  private indexOf(name: string): number {
    const i = this.names.indexOf(name);
    if (i < 0) throw new RangeError(`${name} is not one of the expected shares (${this.names.join(', ')})`);
    return i;
  }

  private decide(): SplitDecision {
    // Two shares mirror each other (the same events, with the priors mirrored): the first one decides.
    const judged = this.names.length === 2 ? 1 : this.names.length;
    let all = true;
    for (let i = 0; i < judged; i++) {
      const v = this.shareVerdict(i);
      this.verdicts[i] = v;
      if (v === 'outside') {
        this.state = 'fail';
        break;
      }
      if (v !== 'within') all = false;
    }
    if (judged === 1) this.verdicts[1] = this.verdicts[0]!;
    if (this.state === 'undecided') {
      if (all) this.state = 'pass';
      else if (this.requests >= this.maxRequests) this.state = 'inconclusive';
    }
    return this.state;
  }

  private shareVerdict(i: number): ShareReport['verdict'] {
    const t = this.answered + this.pending;
    if (t === 0) return 'undecided';
    const st = this.states[i]!;
    const lo = this.counts[i]!;
    const hi = lo + this.othersCount + this.pending;
    const th = this.threshold;
    // ln M_t(q) for a count s, the B(a + s, b + t - s) computed once per count; the KL bound skips it when
    // even the best component of the mixture could not reach the threshold.
    let lbLo: number | undefined;
    let lbHi: number | undefined;
    const lnM = (s: number, e: Edge, which: 'lo' | 'hi') => {
      if (klBound(s, t, e) < th) return -Infinity;
      const lb = which === 'lo' ? (lbLo ??= st.lbLo.at(s, t)) : (lbHi ??= st.lbHi.at(s, t));
      return lb - s * e.lnQ - (t - s) * e.ln1Q;
    };
    // The interval is convex and holds its observed share: its lower end (at the low count) lies above q iff
    // that count's share does and q is excluded; its upper end (at the high count) below q likewise.
    const excludedBelow = (e: Edge) => lo / t > e.q && lnM(lo, e, 'lo') >= th;
    const excludedAbove = (e: Edge) => hi / t < e.q && lnM(hi, e, 'hi') >= th;
    if ((st.failHi && excludedBelow(st.failHi)) || (st.failLo && excludedAbove(st.failLo))) return 'outside';
    if ((!st.passHi || excludedAbove(st.passHi)) && (!st.passLo || excludedBelow(st.passLo))) return 'within';
    return 'undecided';
  }

  report(): SplitReport {
    const t = this.requests;
    const perShareAlpha = this.perShareAlpha;
    const shares = this.names.map((name, i) => {
      const count = this.counts[i]!;
      const prior = this.states[i]!.prior;
      const { lower } = confidenceSequenceInterval(count, t, prior, perShareAlpha);
      const { upper } = confidenceSequenceInterval(count + this.othersCount + this.pending, t, prior, perShareAlpha);
      return { name, expected: this.expected[i]!, count, observed: this.answered ? count / this.answered : 0, lower, upper, verdict: this.verdicts[i]! };
    });
    return {
      decision: this.state,
      requests: t,
      others: this.othersCount,
      inFlight: this.pending,
      tolerance: this.tolerance,
      failBeyond: SPLIT_ZONE.falseFailWithin * this.tolerance,
      passWithin: SPLIT_ZONE.powerBeyond * this.tolerance,
      confidence: this.confidence,
      perShareConfidence: 1 - perShareAlpha,
      maxRequests: this.maxRequests,
      shares,
      reason: this.reason(shares),
    };
  }

  private reason(shares: ShareReport[]): string {
    const pp = (x: number) => `${(x * 100).toFixed(2)}%`;
    const pts = (x: number) => `${Number((x * 100).toFixed(2))} pp`;
    const unknown = this.othersCount + this.pending > 0
      ? ` (${[this.othersCount ? `${this.othersCount} failed` : '', this.pending ? `${this.pending} in flight` : ''].filter(Boolean).join(', ')}, counted against it)`
      : '';
    const at = `after ${this.requests} requests${unknown} at ${(this.confidence * 100).toFixed(2)}% confidence`;
    const tol = `the ${pts(this.tolerance)} tolerance`;
    switch (this.state) {
      case 'pass':
        return `every share within ${pts(SPLIT_ZONE.powerBeyond * this.tolerance)} of its expected one (1.5 x ${tol}) ${at}`;
      case 'fail': {
        const s = shares.find((x) => x.verdict === 'outside')!;
        const band = `${pp(s.expected)} +- ${pts(SPLIT_ZONE.falseFailWithin * this.tolerance)} (half ${tol})`;
        return `${s.name} got ${pp(s.observed)} (interval ${pp(s.lower)}..${pp(s.upper)}), outside ${band}, ${at}`;
      }
      case 'inconclusive':
      case 'undecided': {
        const open = shares.filter((x) => x.verdict === 'undecided').map((s) => `${s.name} ${pp(s.observed)} (interval ${pp(s.lower)}..${pp(s.upper)}) vs ${pp(s.expected)}`);
        return `${this.state === 'inconclusive' ? `not decided within the cap of ${this.maxRequests} requests` : 'not decided yet'}: ${open.join('; ')}`;
      }
    }
  }
}
