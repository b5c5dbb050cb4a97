import { SequentialSplitTest, type SplitReport, type SplitTestOptions } from './split-test.ts';

/**
 * When the responses that were none of the expected outcomes ("others": failed requests, answers the suite
 * cannot classify) make the shares of the rest untrustworthy: at least `minCount` of them, and more than
 * `maxShare` of all responses so far.
 *
 * Why these numbers. The others can shift an observed share by up to their own share of the responses (had
 * they all been one outcome), so 1% is what the shares may be off by, against tolerances of 2 to 5 pp. The
 * minimum count only keeps a stray error among the first few dozen responses from ending the check. Two
 * cut-offs used to exist: the mesh suite's 10 and the serving traffic split's 20. We kept 10, the stricter,
 * because it is the one under which no check passes with more than 1% others: the earliest passes at exact
 * shares come after 1,172 responses (50/50 at 5 pp, MESH.FAULT.DELAY), 1,640 (87.5/12.5 at 3 pp,
 * MESH.RETRY.RECOVERS), 2,780 and 6,353 (MESH.FAULT.ABORT-RATE, MESH.ROUTE.WEIGHTS) and about 7,000 for the
 * serving split. Above 1,000 responses, 1% is more than 10, so the minimum no longer matters and only the 1%
 * decides. A minimum of 20 would have let DELAY pass with up to 19 others in 1,172 responses (1.6%), and
 * RETRY with up to 1.2%.
 */
export const OTHERS_CUTOFF = { minCount: 10, maxShare: 0.01 } as const;

export interface ShareJudgeOptions extends SplitTestOptions {
  /** How the reason names the others, after their count: default `responses were none of the expected outcomes`. */
  othersAre?: string;
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
  report: SplitReport;
  /** The others by kind (a status, say), as the suite named them. */
  others: Record<string, number>;
  otherCount: number;
  /** Every response counted: the expected outcomes and the others. */
  responses: number;
}

/**
 * Judges observed shares of outcomes (revisions of a Knative traffic split, Istio's weighted destinations, a
 * fault's aborted and served requests) against expected ones. The sequential split test (split-test.ts)
 * decides the shares; this adds how to treat responses that were none of the outcomes.
 *
 * The suite hands over every response as it arrives: `outcome(name)` for one of the expected outcomes,
 * `other(kind)` for anything else. It keeps sending until `done`, then asks for the `judgement()`. Responses
 * still count after the split test has decided, since a suite may go on sending (the serving split's
 * keep-alive check does). The others are checked after every response. The first time they cross
 * OTHERS_CUTOFF the judge stops, and what comes after is ignored, the same as the split test ignores
 * responses after its decision. So a batch that goes on past the crossing cannot water the others down.
 */
export class ShareJudge {
  readonly test: SequentialSplitTest;
  private readonly othersAre: string;
  private readonly otherKinds: Record<string, number> = {};
  private otherCount = 0;
  private total = 0;
  private crossed = false;

  constructor(o: ShareJudgeOptions) {
    const { othersAre = 'responses were none of the expected outcomes', ...test } = o;
    this.test = new SequentialSplitTest(test);
    this.othersAre = othersAre;
  }

  /** Every response counted so far: outcomes and others. */
  get responses(): number {
    return this.total;
  }

  /** The others have crossed the cut-off: the shares cannot be trusted. */
  get untrustworthy(): boolean {
    return this.crossed;
  }

  /** Whether to stop sending: the split test stopped (decided or at its cap), or the others crossed the cut-off. */
  get done(): boolean {
    return this.crossed || this.test.done;
  }

  /** A response that was the expected outcome `name`. Unknown names throw (split-test.ts). */
  outcome(name: string): void {
    if (!this.test.names.includes(name)) throw new RangeError(`${name} is not one of the expected shares (${this.test.names.join(', ')})`);
    if (this.crossed) return;
    this.total++;
    this.test.add(name);
  }

  /** A response that was none of the outcomes, counted under `kind` (its status, its error). */
  other(kind: string): void {
    if (this.crossed) return;
    this.total++;
    this.otherCount++;
    this.otherKinds[kind] = (this.otherKinds[kind] ?? 0) + 1;
    this.crossed = this.otherCount >= OTHERS_CUTOFF.minCount && this.otherCount > this.total * OTHERS_CUTOFF.maxShare;
  }

  judgement(): ShareJudgement {
    const report = this.test.report();
    const others = { ...this.otherKinds };
    const base = { untrustworthy: this.crossed, report, others, otherCount: this.otherCount, responses: this.total };
    if (this.crossed) {
      return { ...base, verdict: 'fail', reason: `${this.otherCount} of ${this.total} ${this.othersAre}: ${JSON.stringify(others)}` };
    }
    switch (report.decision) {
      case 'pass':
      case 'fail':
      case 'inconclusive':
        return { ...base, verdict: report.decision, reason: report.reason };
      case 'undecided':
        return { ...base, verdict: 'inconclusive', reason: report.reason };
    }
  }
}
