import { outcomes, type ForwardResult, type ForwardSpec, type MeshClient } from '../../../harness/mesh-clients/clients.ts';
import type { RequirementContext } from '../../../harness/requirements/requirement.ts';
import { SequentialSplitTest, type SplitReport } from '../../../harness/stats/split-test.ts';

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
}

export interface SharesOutcome {
  report: SplitReport;
  unclassified: Record<string, number>;
  results: ForwardResult[];
}

/**
 * Sends requests through a client in batches until the sequential split test (harness/stats/split-test.ts)
 * decides whether the observed shares of outcomes match the expected ones within the tolerance, or its cap
 * is reached. Responses that are none of the outcomes are counted apart; more than 1% of them (and at least
 * 10) end the check, since the shares of the rest cannot be trusted.
 */
export async function measureShares(ctx: RequirementContext, client: MeshClient, c: SharesCheck): Promise<SharesOutcome> {
  const test = new SequentialSplitTest({ expected: c.expected, tolerance: c.tolerance, confidence: c.confidence, maxRequests: c.maxRequests });
  const unclassified: ForwardResult[] = [];
  const all: ForwardResult[] = [];
  // The requests hold the target alone: MESH.FAULT.DELAY classifies by latency.
  await ctx.exclusive(async () => {
    while (!test.done) {
      const results = await client.send({ ...c.request, count: c.batch, concurrency: c.concurrency, bodies: false }, ctx.signal);
      for (const r of results) {
        all.push(r);
        const name = c.classify(r);
        if (name === undefined) unclassified.push(r);
        else if (!test.done) test.add(name);
      }
      if (unclassified.length >= 10 && unclassified.length > all.length / 100) break;
    }
  });
  const report = test.report();
  ctx.log.sample(report.requests, report.confidence);
  for (const s of report.shares) {
    ctx.log.observe(`share of ${s.name}`, Number(s.observed.toFixed(4)), {
      bound: `${s.expected} +- ${report.tolerance} (interval ${s.lower.toFixed(4)}..${s.upper.toFixed(4)} at ${report.perShareConfidence})`,
    });
  }
  ctx.log.note(report.reason);
  if (unclassified.length > 0) ctx.log.note(`responses that were none of ${Object.keys(c.expected).join(', ')}: ${JSON.stringify(outcomes(unclassified))}`);
  return { report, unclassified: outcomes(unclassified), results: all };
}

/** Turns the split test's decision into the requirement's verdict. */
export function judgeShares(ctx: RequirementContext, what: string, o: SharesOutcome): void {
  const n = Object.values(o.unclassified).reduce((a, b) => a + b, 0);
  if (n >= 10 && n > o.results.length / 100) ctx.fail(`${what}: ${n} of ${o.results.length} responses were none of the expected outcomes: ${JSON.stringify(o.unclassified)}`);
  if (o.report.decision === 'fail') ctx.fail(`${what}: ${o.report.reason}`);
  if (o.report.decision !== 'pass') ctx.inconclusive(`${what}: ${o.report.reason}`);
}
