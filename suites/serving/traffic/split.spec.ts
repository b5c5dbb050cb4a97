import { discoverGateway, requirement } from '../../../harness/index.ts';
import { serviceWithRevisions, setTraffic } from './parts/revisions.ts';
import { checkSplit, logSplit, warmUp, type SplitOutcome } from './parts/split-check.ts';

/** The requirement's confidence, shared by its splits and keep-alive checks (Bonferroni). */
const CONFIDENCE = 0.99;
const MIX_ALPHA = 1e-6;
const TOLERANCE = 0.02;
/** Each split's request cap: above the most any of 4,000 simulated runs of a split took (BENCHMARKS.md). */
const MAX_REQUESTS = 50_000;
/**
 * The time the four split tests may take together. Each gets what is left of it divided by the splits left,
 * so a split decided early leaves its time to the next: on a platform slower than the reference the caps
 * follow the rate it achieves, and a split that runs out of time is inconclusive with that rate.
 */
const BUDGET_SECONDS = 360;
const CONCURRENCY = 16;

export default requirement({
  id: 'SERVING.TRAFFIC.SPLIT',
  level: 'MUST',
  layer: 'serving',
  profile: 'conformance',
  title:
    'Requests are split among revisions per request in the shares spec.traffic names, two-way and three-way, on fresh and on keep-alive connections',
  upstream:
    'Knative Serving API specification 1.0, "Request Routing": "Each HTTP/1.1 request MUST be treated as a separate "request"", ' +
    '"Requests to a specific Host MUST be dispatched to Revision instances in accordance with the weights specified in the Route" ' +
    'and "Multiple simultaneous or subsequent requests from a single client (even over the same TCP connection) MAY be dispatched to ' +
    'different instances or different Revisions (traffic routing MUST NOT be "sticky" in a way which violates the weight distributions)"',
  bound:
    'each share within 2 pp of its percent: 4 splits (70/30 and 50/30/20, each on fresh and on keep-alive connections), each decided by a ' +
    'sequential test (anytime-valid confidence sequences, harness/stats) at 99.75%, 99% for the requirement; a share off by up to 1 pp ' +
    '(half the tolerance) fails with <= 1% (measured: 0.10% at most), a split with a share off by 3 pp (1.5x) passes with <= 0.25% ' +
    '(measured power: 99.98% or more per split, 100% for the requirement); ' +
    'failed requests and requests in flight counted against the test; at most 50,000 requests per split and 360 s for the four ' +
    '(shared: each split gets what is left over the splits left), else inconclusive with the rate achieved; on keep-alive connections ' +
    'every connection sees every revision',
  mutants: ['canary-skew=3', 'split-per-connection'],
  timeoutMs: 600_000,
}, async (ctx) => {
  const { log, settings } = ctx;
  const svc = await serviceWithRevisions(ctx, 'traffic-split', 3);
  const [a, b, c] = svc.revisions as [string, string, string];
  const gateway = await discoverGateway(ctx.cluster, settings.gateway);
  log.note(`gateway ${gateway.host}:${gateway.port} from ${gateway.source}; revisions ${svc.revisions.join(', ')}`);

  // Two-way and three-way, each on fresh connections and on keep-alive ones: a per-connection split is caught
  // on the keep-alive runs, a skew on all four.
  const two = { [a]: 70, [b]: 30 };
  const three = { [a]: 50, [b]: 30, [c]: 20 };
  const splits = [
    { percents: two, mode: 'fresh' as const },
    { percents: two, mode: 'keep-alive' as const },
    { percents: three, mode: 'fresh' as const },
    { percents: three, mode: 'keep-alive' as const },
  ];
  const mixChecks = splits.filter((x) => x.mode === 'keep-alive').length;
  const alpha = (1 - CONFIDENCE - MIX_ALPHA * mixChecks) / splits.length;
  log.note(`${CONFIDENCE * 100}% confidence for the requirement: ${splits.length} split tests at ${((1 - alpha) * 100).toFixed(3)}% each, ${mixChecks} keep-alive connection checks at 1 - ${MIX_ALPHA} each (Bonferroni)`);
  const outcomes: SplitOutcome[] = [];
  let spent = 0;
  for (const [i, { percents, mode }] of splits.entries()) {
    // The traffic changes only between the two-way and the three-way splits.
    if (i === 0 || percents !== splits[i - 1]!.percents) {
      const ready = await setTraffic(ctx, svc, percents);
      log.observe(`${Object.values(percents).join('/')}: seconds to Ready with the split`, ready, { unit: 's', bound: `<= ${settings.readyTimeoutSeconds}` });
    }
    const via = { url: svc.url, via: gateway, concurrency: CONCURRENCY, timeoutMs: settings.requestTimeoutSeconds * 1000, signal: ctx.signal };
    const maxSeconds = Math.max(1, Math.floor((BUDGET_SECONDS - spent) / (splits.length - i)));
    const o = await ctx.exclusive(async () => {
      await warmUp(via, Object.keys(percents));
      return checkSplit({ ...via, percents, mode, alpha, mixAlpha: MIX_ALPHA, tolerance: TOLERANCE, maxRequests: MAX_REQUESTS, maxSeconds });
    });
    spent += o.run.seconds;
    log.observe(`${o.label}: time budget`, maxSeconds, { unit: 's', bound: `${BUDGET_SECONDS} s for the ${splits.length} splits, shared` });
    logSplit(log, o);
    outcomes.push(o);
  }
  log.sample(outcomes.reduce((n, o) => n + o.split.requests, 0), CONFIDENCE);
  const failed = outcomes.filter((o) => o.verdict === 'fail');
  if (failed.length > 0) ctx.fail(failed.map((o) => o.reason).join('; '));
  const open = outcomes.filter((o) => o.verdict === 'inconclusive');
  if (open.length > 0) ctx.inconclusive(open.map((o) => o.reason).join('; '));
});
