import {
  ShareJudge, outcomes, type ForwardResult, type ForwardSpec, type MeshClient, type RequirementContext, type ShareJudgement,
} from '../../../harness/index.ts';

export interface SharesCheck {
  /** Outcome name -> expected share (fractions summing to 1). */
  expected: Record<string, number>;
  /** The outcome a response counts as, or undefined when it is none of them (an error of the check). */
  classify: (r: ForwardResult) => string | undefined;
  request: ForwardSpec;
  tolerance: number;
  confidence: number;
  maxRequests: number;
  /** Requests per round trip to the client, and how many of them it sends at once. */
  batch: number;
  concurrency: number;
  /** The time budget of the check (default DEFAULT_MAX_SECONDS); past it, inconclusive with the rate it got. */
  maxSeconds?: number;
}

/**
 * The time budget of a share check unless it says otherwise: within the mesh requirements' 300 s, with room for
 * their scenario. On the reference the checks decide in a few seconds (BENCHMARKS.md: at most 50,000 requests
 * at 1,000 or more a second); a cluster that achieves too low a rate for its cap gets `inconclusive` with it.
 */
export const DEFAULT_MAX_SECONDS = 180;

export interface SharesOutcome {
  judgement: ShareJudgement;
  /** Every response that was none of the outcomes, by outcomes() key, with those after the judge stopped. */
  unclassified: Record<string, number>;
  /** Every response, with those of the last batch after the judge stopped. */
  results: ForwardResult[];
}

/** outcomes()'s key of one response: its status, or its error's kind. */
const kindOf = (r: ForwardResult): string => Object.keys(outcomes([r]))[0]!;

/**
 * Sends requests through a client in batches until the share judge (harness/stats/share-judge.ts) decides
 * whether the observed shares of outcomes match the expected ones within the tolerance, or gives up on them:
 * the split test's request cap or the time budget reached, or too many responses that are none of the outcomes
 * (the judge's cut-off, checked after every response).
 *
 * Nothing is dropped: each batch is reported sent before its answers are handed over, so the judge counts the
 * rest of the batch against the test at every answer (a decision in the middle of a batch holds however the
 * rest turns out), and the answers of the batch after a decision are recorded as evidence after it; an answer
 * that is none of the outcomes counts against the test too.
 */
export async function measureShares(ctx: RequirementContext, client: MeshClient, c: SharesCheck): Promise<SharesOutcome> {
  const maxSeconds = c.maxSeconds ?? DEFAULT_MAX_SECONDS;
  const judge = new ShareJudge({ expected: c.expected, tolerance: c.tolerance, confidence: c.confidence, maxRequests: c.maxRequests, maxSeconds });
  const unclassified: ForwardResult[] = [];
  const all: ForwardResult[] = [];
  // The requests hold the target alone: MESH.FAULT.DELAY classifies by latency.
  await ctx.exclusive(async () => {
    while (!judge.done) {
      const results = await client.send({ ...c.request, count: c.batch, concurrency: c.concurrency, bodies: false }, ctx.signal);
      judge.sent(results.length);
      for (const r of results) {
        all.push(r);
        const name = c.classify(r);
        if (name === undefined) {
          unclassified.push(r);
          judge.other(kindOf(r));
        } else {
          judge.outcome(name);
        }
      }
    }
  });
  const judgement = judge.judgement();
  const report = judgement.report;
  ctx.log.sample(report.requests, report.confidence);
  for (const s of report.shares) {
    ctx.log.observe(`share of ${s.name}`, Number(s.observed.toFixed(4)), {
      bound:
        `${s.expected} +- ${report.tolerance} (interval ${s.lower.toFixed(4)}..${s.upper.toFixed(4)} at ${report.perShareConfidence}: ` +
        `passes inside +- ${Number(report.passWithin.toFixed(4))}, fails outside +- ${Number(report.failBeyond.toFixed(4))})`,
    });
  }
  ctx.log.observe('requests in flight at the decision, counted either way', report.inFlight);
  if (Object.keys(judgement.afterDecision).length > 0) ctx.log.observe('answers after the decision (evidence only)', JSON.stringify(judgement.afterDecision));
  ctx.log.observe('requests per second', Math.round(judgement.rate), { unit: 'req/s' });
  ctx.log.observe('time budget', maxSeconds, { unit: 's', bound: `${Math.round(judgement.seconds)} s used` });
  ctx.log.note(judgement.reason);
  if (unclassified.length > 0) ctx.log.note(`responses that were none of ${Object.keys(c.expected).join(', ')}: ${JSON.stringify(outcomes(unclassified))}`);
  return { judgement, unclassified: outcomes(unclassified), results: all };
}

/**
 * Turns the judge's decision into the requirement's verdict: a MUST that the shares are within the tolerance
 * (failed by a share outside it or by too many unclassified responses), inconclusive when not decided.
 */
export function judgeShares(ctx: RequirementContext, what: string, o: SharesOutcome): void {
  const j = o.judgement;
  if (j.verdict === 'inconclusive') ctx.inconclusive(`${what}: ${j.reason}`);
  const pp = Number((j.report.tolerance * 100).toFixed(2));
  const at = Number((j.report.confidence * 100).toFixed(2));
  ctx.must(`${what}: every observed share within ${pp} pp of its expected share at ${at}% confidence`, j.verdict === 'pass', `${what}: ${j.reason}`);
}
