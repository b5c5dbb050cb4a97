import { SequentialSplitTest, type SplitReport, type SplitTestOptions } from './split-test.ts';

/**
 * When the responses that were none of the expected outcomes ("others": failed requests, answers the suite
 * cannot classify) are too many for the requirement, whatever the shares: at least `minCount` of them, and
 * more than `maxShare` of all responses so far.
 *
 * The others no longer bias the shares: the split test counts each against itself (split-test.ts), as if it
 * had been whichever outcome keeps the test from deciding, so a pass or a fail holds whatever they were. What
 * the cut-off adds is that a platform failing more than 1% of the requests of a traffic split, a weighted
 * route or a fault does not meet the requirement, however its shares look; the minimum count keeps a stray
 * error among the first few hundred responses from ending the check.
 */
export const OTHERS_CUTOFF = { minCount: 10, maxShare: 0.01 } as const;

export interface ShareJudgeOptions extends SplitTestOptions {
  /** How the reason names the others, after their count: default `responses were none of the expected outcomes`. */
  othersAre?: string;
  /**
   * Requests in flight at every answer beyond those reported with `sent` (a sender that keeps n requests in
   * flight and does not report its sends: n - 1 besides the one that just answered). Counted against the test,
   * as the ones reported with `sent` and not answered yet are. Default 0.
   */
  inFlight?: number;
  /**
   * The time budget, in seconds from the judge's creation: past it, `done`, and an undecided test is
   * inconclusive with the rate it got. Default: none (the request cap alone).
   */
  maxSeconds?: number;
  /** Milliseconds now (default Date.now), for tests. */
  clock?: () => number;
}

export interface ShareJudgement {
  verdict: 'pass' | 'fail' | 'inconclusive';
  /**
   * Why. For a pass, a failed share or a test at its cap, the split test's reason. With too many others: how
   * many of how many, by kind. The test not yet decided when sending stopped: its reason, "not decided yet: ...".
   */
  reason: string;
  /** The others crossed the cut-off: the verdict is `fail` whatever the split test decided. */
  untrustworthy: boolean;
  /** Seconds from the judge's creation to its last answer, and the answers per second over them. */
  seconds: number;
  rate: number;
  /** The time budget ran out before a decision. */
  timedOut: boolean;
  report: SplitReport;
  /** The others by kind (a status, say), as the suite named them, all of them (before and after the decision). */
  others: Record<string, number>;
  otherCount: number;
  /** Every response counted: the expected outcomes and the others, before and after the decision. */
  responses: number;
  /**
   * Answers that came after the split test decided, by outcome or kind of other: those in flight at the decision
   * (which it counted either way) and any sent after it. Evidence; they do not change the decision.
   */
  afterDecision: Record<string, number>;
}

/**
 * Judges observed shares of outcomes (revisions of a Knative traffic split, Istio's weighted destinations, a
 * fault's aborted and served requests) against expected ones. The sequential split test (split-test.ts)
 * decides the shares, with the others and the requests in flight counted against it; this adds the cut-off on
 * others and what came after the decision.
 *
 * The suite hands over every response as it arrives: `outcome(name)` for one of the expected outcomes,
 * `other(kind)` for anything else; a sender that knows its sends reports them with `sent(n)` first (a batch),
 * one that does not gives its concurrency as `inFlight`. It keeps sending until `done`, then asks for the
 * `judgement()`. Answers after the decision are recorded in `afterDecision`, and the others among them still
 * count toward the cut-off (a suite may go on sending: the serving split's keep-alive check does). The first
 * time the others cross OTHERS_CUTOFF the judge stops, and what comes after is ignored, so a batch that goes on
 * past the crossing cannot water the others down.
 */
export class ShareJudge {
  readonly test: SequentialSplitTest;
  private readonly othersAre: string;
  private readonly inFlight: number;
  private readonly maxSeconds: number | undefined;
  private readonly clock: () => number;
  private readonly started: number;
  private last: number;
  private timeUp = false;
  private readonly otherKinds: Record<string, number> = {};
  private readonly after: Record<string, number> = {};
  private otherCount = 0;
  private total = 0;
  private sentCount = 0;
  private crossed = false;

  constructor(o: ShareJudgeOptions) {
    const { othersAre = 'responses were none of the expected outcomes', inFlight = 0, maxSeconds, clock = Date.now, ...test } = o;
    if (!(inFlight >= 0)) throw new RangeError(`inFlight must be >= 0, not ${inFlight}`);
    if (maxSeconds !== undefined && !(maxSeconds > 0)) throw new RangeError(`maxSeconds must be > 0, not ${maxSeconds}`);
    this.test = new SequentialSplitTest(test);
    this.othersAre = othersAre;
    this.inFlight = inFlight;
    this.maxSeconds = maxSeconds;
    this.clock = clock;
    this.started = this.last = clock();
  }

  /** Every response counted so far: outcomes and others. */
  get responses(): number {
    return this.total;
  }

  /** The others have crossed the cut-off: the shares cannot be trusted. */
  get untrustworthy(): boolean {
    return this.crossed;
  }

  /**
   * Whether to stop sending: the split test stopped (decided or at its request cap), the others crossed the
   * cut-off, or the time budget ran out.
   */
  get done(): boolean {
    return this.crossed || this.test.done || this.timeUp;
  }

  /** `n` requests sent: in flight, counted against the test, until answered. */
  sent(n = 1): void {
    this.sentCount += n;
  }

  /** A response that was the expected outcome `name`. Unknown names throw (split-test.ts). */
  outcome(name: string): void {
    if (!this.test.names.includes(name)) throw new RangeError(`${name} is not one of the expected shares (${this.test.names.join(', ')})`);
    if (this.crossed) return;
    this.tick();
    this.total++;
    if (this.test.done || this.timeUp) this.after[name] = (this.after[name] ?? 0) + 1;
    else {
      this.test.setInFlight(this.pending());
      this.test.add(name);
    }
  }

  /** A response that was none of the outcomes, counted under `kind` (its status, its error). */
  other(kind: string): void {
    if (this.crossed) return;
    this.tick();
    this.total++;
    this.otherCount++;
    this.otherKinds[kind] = (this.otherKinds[kind] ?? 0) + 1;
    if (this.test.done || this.timeUp) this.after[kind] = (this.after[kind] ?? 0) + 1;
    else {
      this.test.setInFlight(this.pending());
      this.test.addOther();
    }
    this.crossed = this.otherCount >= OTHERS_CUTOFF.minCount && this.otherCount > this.total * OTHERS_CUTOFF.maxShare;
  }

  /** Notes the time of an answer; past the budget, the test takes no more (a decision is final, as at its cap). */
  private tick(): void {
    if (this.maxSeconds === undefined) return;
    this.last = this.clock();
    if (!this.test.done && this.last - this.started >= this.maxSeconds * 1000) this.timeUp = true;
  }

  private pending(): number {
    return Math.max(0, this.sentCount - this.total) + this.inFlight;
  }

  judgement(): ShareJudgement {
    const report = this.test.report();
    const others = { ...this.otherKinds };
    const seconds = (this.maxSeconds === undefined ? this.clock() : this.last) - this.started;
    const rate = seconds > 0 ? (this.total * 1000) / seconds : 0;
    const base = {
      untrustworthy: this.crossed, report, others, otherCount: this.otherCount, responses: this.total, afterDecision: { ...this.after },
      seconds: seconds / 1000, rate, timedOut: this.timeUp && !this.crossed,
    };
    if (this.crossed) {
      return { ...base, verdict: 'fail', reason: `${this.otherCount} of ${this.total} ${this.othersAre}: ${JSON.stringify(others)}` };
    }
    switch (report.decision) {
      case 'pass':
      case 'fail':
      case 'inconclusive':
        return { ...base, verdict: report.decision, reason: report.reason };
      case 'undecided': {
        if (!this.timeUp) return { ...base, verdict: 'inconclusive', reason: report.reason };
        // The time budget ran out: say at which rate, and how long the request cap would have taken at it.
        const r = Math.max(rate, 1e-9);
        const capSeconds = report.maxRequests / r;
        return {
          ...base, verdict: 'inconclusive',
          reason:
            `not decided within the time budget of ${this.maxSeconds} s: ${report.requests} requests at ${Math.round(rate)} req/s ` +
            `(the cap of ${report.maxRequests} would take ${Math.round(capSeconds)} s at this rate); ${report.reason.replace(/^not decided yet: /, '')}`,
        };
      }
    }
  }
}
