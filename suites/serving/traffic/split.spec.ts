import { discoverGateway, requirement } from '../../../harness/index.ts';
import { serviceWithRevisions, setTraffic } from './parts/revisions.ts';
import { checkSplit, logSplit, warmUp, type SplitOutcome } from './parts/split-check.ts';

/** The requirement's confidence, shared by its splits and keep-alive checks (Bonferroni). */
const CONFIDENCE = 0.99;
const MIX_ALPHA = 1e-6;

export default requirement({
  id: 'SERVING.TRAFFIC.SPLIT',
  level: 'MUST',
  layer: 'serving',
  title:
    'Requests are split among revisions per request in the shares spec.traffic names, two-way and three-way, on fresh and on keep-alive connections',
  upstream:
    'Knative Serving API specification 1.0, "Route" (spec.traffic: percent of traffic to each target) and "Service"; ' +
    'routing per request as Istio\'s VirtualService weighted route destinations (HTTPRouteDestination.weight)',
  bound:
    'each share within 2 pp of its percent, decided by a sequential test (anytime-valid confidence sequences, harness/stats) ' +
    'at 99% confidence for the requirement (2 splits, 70/30 on fresh connections and 50/30/20 on keep-alive ones, at ~99.5% each), ' +
    'at most 50,000 requests per split; on keep-alive connections every connection sees every revision',
  mutants: ['canary-skew', 'split-per-connection'],
  timeoutMs: 600_000,
}, async (ctx) => {
  const { log, settings } = ctx;
  const svc = await serviceWithRevisions(ctx, 'traffic-split', 3);
  const [a, b, c] = svc.revisions as [string, string, string];
  const gateway = await discoverGateway(ctx.cluster, settings.gateway);
  log.note(`gateway ${gateway.host}:${gateway.port} from ${gateway.source}; revisions ${svc.revisions.join(', ')}`);

  // Two-way and three-way, fresh connections and keep-alive: one pairing each keeps the suite short; a
  // per-connection split is caught on the keep-alive run, a skew on both.
  const splits = [
    { percents: { [a]: 70, [b]: 30 }, mode: 'fresh' as const },
    { percents: { [a]: 50, [b]: 30, [c]: 20 }, mode: 'keep-alive' as const },
  ];
  const runs = splits.length;
  const alpha = (1 - CONFIDENCE - MIX_ALPHA * splits.length) / runs;
  log.note(`${CONFIDENCE * 100}% confidence for the requirement: ${runs} split tests at ${((1 - alpha) * 100).toFixed(3)}% each, keep-alive connection checks at 1 - ${MIX_ALPHA} each (Bonferroni)`);
  const outcomes: SplitOutcome[] = [];
  for (const { percents, mode } of splits) {
    const ready = await setTraffic(ctx, svc, percents);
    log.observe(`${Object.values(percents).join('/')}: seconds to Ready with the split`, ready, { unit: 's', bound: `<= ${settings.readyTimeoutSeconds}` });
    const via = { url: svc.url, via: gateway, concurrency: 16, timeoutMs: settings.requestTimeoutSeconds * 1000, signal: ctx.signal };
    const o = await ctx.exclusive(async () => {
      await warmUp(via, Object.keys(percents));
      return checkSplit({ ...via, percents, mode, alpha, mixAlpha: MIX_ALPHA, tolerance: 0.02, maxRequests: 50_000, maxSeconds: 90 });
    });
    logSplit(log, o);
    outcomes.push(o);
  }
  log.sample(outcomes.reduce((n, o) => n + o.split.requests, 0), CONFIDENCE);
  const failed = outcomes.filter((o) => o.verdict === 'fail');
  if (failed.length > 0) ctx.fail(failed.map((o) => o.reason).join('; '));
  const open = outcomes.filter((o) => o.verdict === 'inconclusive');
  if (open.length > 0) ctx.inconclusive(open.map((o) => o.reason).join('; '));
});
