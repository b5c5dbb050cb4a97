import { requirement } from '../../../harness/requirements/requirement.ts';
import { discoverGateway } from '../../../harness/cluster/gateway.ts';
import { serviceWithRevisions, setTraffic } from './parts/revisions.ts';
import { checkSplit, logSplit, warmUp, type SplitOutcome } from './parts/split-check.ts';

/** The requirement's confidence, shared by its splits and keep-alive checks (Bonferroni). */
const CONFIDENCE = 0.99;
const MIX_ALPHA = 1e-6;

requirement('SERVING.TRAFFIC.SPLIT', async (ctx) => {
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
}, 600_000);
