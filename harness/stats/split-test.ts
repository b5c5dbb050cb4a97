import { confidenceSequenceInterval, excludes, type BetaPrior } from './confidence-sequence.ts';

/** `undecided` while the test runs; `inconclusive` once it reached its request cap undecided. */
export type SplitDecision = 'pass' | 'fail' | 'undecided' | 'inconclusive';

export interface SplitTestOptions {
  /** Name (a revision) -> expected share, each in (0, 1), summing to 1 (Knative's percents / 100). */
  expected: Readonly<Record<string, number>>;
  /** Largest acceptable |observed - expected| share, as a fraction (default 0.02: 2 percentage points). */
  tolerance?: number;
  /** Probability of deciding right, for every true split at once (default 0.99). */
  confidence?: number;
  /** Observations after which an undecided test is inconclusive (default 50,000). */
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
  count: number;
  /** Observed share, count / requests. */
  observed: number;
  /** The share's confidence-sequence interval now, at the per-share level (confidence / shares, Bonferroni). */
  lower: number;
  upper: number;
  /** `within`: the interval lies inside expected +- tolerance; `outside`: it lies entirely outside it. */
  verdict: 'within' | 'outside' | 'undecided';
}

export interface SplitReport {
  decision: SplitDecision;
  requests: number;
  tolerance: number;
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
 * A sequential test of a k-way traffic split against expected shares with a tolerance, decided by anytime-valid
 * confidence sequences (one beta-binomial mixture per share, harness/stats/confidence-sequence.ts):
 *
 * - pass as soon as every share's interval lies inside [expected - tolerance, expected + tolerance];
 * - fail as soon as one share's interval lies entirely outside it;
 * - otherwise go on; at `maxRequests`, inconclusive.
 *
 * Because each interval holds at every time simultaneously with probability >= 1 - alpha/m (m shares, Bonferroni;
 * m = 1 for two shares, which mirror each other), a split whose every true share is within the tolerance fails
 * with probability <= alpha, and one with a share beyond it passes with probability <= alpha: for every true
 * split, however often the test looks. Shares exactly at the tolerance are never decided (inconclusive at the cap).
 * See README.md for why this and not Wald's SPRT, and the measured error rates and request counts.
 */
export class SequentialSplitTest {
  readonly names: readonly string[];
  readonly expected: readonly number[];
  readonly tolerance: number;
  readonly confidence: number;
  readonly maxRequests: number;
  readonly perShareAlpha: number;
  private readonly priors: BetaPrior[];
  private readonly counts: number[];
  private total = 0;
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
    this.priors = this.expected.map((p) => {
      const c = o.priorConcentration ?? Math.max(2, (p * (1 - p)) / this.tolerance ** 2 - 1);
      return { a: c * p, b: c * (1 - p) };
    });
    this.perShareAlpha = (1 - this.confidence) / (entries.length === 2 ? 1 : entries.length);
    this.counts = entries.map(() => 0);
    this.verdicts = entries.map(() => 'undecided');
  }

  get decision(): SplitDecision {
    return this.state;
  }

  get requests(): number {
    return this.total;
  }

  /** Whether the test has stopped (pass, fail or inconclusive); further observations are ignored then. */
  get done(): boolean {
    return this.state !== 'undecided';
  }

  /** Records `n` observations of `name` and decides; returns the decision. Unknown names throw. */
  add(name: string, n = 1): SplitDecision {
    const i = this.names.indexOf(name);
    if (i < 0) throw new RangeError(`${name} is not one of the expected shares (${this.names.join(', ')})`);
    if (this.done) return this.state;
    this.counts[i]! += n;
    this.total += n;
    return this.decide();
  }

  /** Records a batch of counts by name, then decides once (a batch may overshoot the earliest stopping time). */
  addCounts(counts: Readonly<Record<string, number>>): SplitDecision {
    if (this.done) return this.state;
    for (const [name, n] of Object.entries(counts)) {
      const i = this.names.indexOf(name);
      if (i < 0) throw new RangeError(`${name} is not one of the expected shares (${this.names.join(', ')})`);
      this.counts[i]! += n;
      this.total += n;
    }
    return this.decide();
  }

  private decide(): SplitDecision {
    this.verdicts = this.names.map((_, i) => this.shareVerdict(i));
    if (this.verdicts.includes('outside')) this.state = 'fail';
    else if (this.verdicts.every((v) => v === 'within')) this.state = 'pass';
    else if (this.total >= this.maxRequests) this.state = 'inconclusive';
    return this.state;
  }

  private shareVerdict(i: number): ShareReport['verdict'] {
    const t = this.total;
    const s = this.counts[i]!;
    const p = this.expected[i]!;
    const lo = p - this.tolerance;
    const hi = p + this.tolerance;
    const observed = s / t;
    const out = (q: number) => excludes(q, s, t, this.priors[i]!, this.perShareAlpha);
    // The interval is convex and holds the observed share: it lies above the band iff the observed share does
    // and the band's top is excluded; inside iff the observed share is and both ends are (or lie beyond [0, 1]).
    if (observed > hi && out(hi)) return 'outside';
    if (observed < lo && out(lo)) return 'outside';
    if (observed > lo && observed < hi && (lo <= 0 || out(lo)) && (hi >= 1 || out(hi))) return 'within';
    return 'undecided';
  }

  report(): SplitReport {
    const shares = this.names.map((name, i) => {
      const count = this.counts[i]!;
      const { lower, upper } = confidenceSequenceInterval(count, this.total, this.priors[i]!, this.perShareAlpha);
      return { name, expected: this.expected[i]!, count, observed: this.total ? count / this.total : 0, lower, upper, verdict: this.verdicts[i]! };
    });
    return {
      decision: this.state,
      requests: this.total,
      tolerance: this.tolerance,
      confidence: this.confidence,
      perShareConfidence: 1 - this.perShareAlpha,
      maxRequests: this.maxRequests,
      shares,
      reason: this.reason(shares),
    };
  }

  private reason(shares: ShareReport[]): string {
    const pp = (x: number) => `${(x * 100).toFixed(2)}%`;
    const band = (s: ShareReport) => `${pp(s.expected)} +- ${(this.tolerance * 100).toFixed(2)} pp`;
    const at = `after ${this.total} requests at ${(this.confidence * 100).toFixed(2)}% confidence`;
    switch (this.state) {
      case 'pass':
        return `every share within its tolerance ${at}`;
      case 'fail': {
        const s = shares.find((x) => x.verdict === 'outside')!;
        return `${s.name} got ${pp(s.observed)} (interval ${pp(s.lower)}..${pp(s.upper)}), outside ${band(s)}, ${at}`;
      }
      case 'inconclusive':
      case 'undecided': {
        const open = shares.filter((x) => x.verdict === 'undecided').map((s) => `${s.name} ${pp(s.observed)} (interval ${pp(s.lower)}..${pp(s.upper)}) vs ${band(s)}`);
        return `${this.state === 'inconclusive' ? `not decided within the cap of ${this.maxRequests} requests` : 'not decided yet'}: ${open.join('; ')}`;
      }
    }
  }
}
