/**
 * Cold starts: Services of the probe at min-scale 0, idle until they have no pod, then asked once each.
 * The three requirements share one set of Services (the wait for zero is most of their cost): SINGLE and
 * P95 read the same k trials, BURST has its own Service. Only the requests hold the target alone
 * (`ctx.exclusive`): the Services are made and wait for zero beside the other requirements.
 */
import { afterFile, discoverGateway, httpAttempt, requirement, type Cluster, type RequirementContext } from '../../../harness/index.ts';
import { oneLine } from '../one-line.ts';
import { coldFleet, deleteServices, type ColdFleet } from './fleet.ts';
import { coldStartTrials, nearestRank, observeTrials, phasesOf, writeTrials, type ColdStartTrial } from './trials.ts';

/** Trials behind SINGLE and P95; each is a Service of its own, so that all reach zero in one wait. */
const TRIALS = 5;
/** Trials run one after the other, but start at most this far apart: a slow target overlaps them. */
const TRIAL_SPACING_MS = 2000;
/** Concurrent requests at zero for BURST. */
const BURST_REQUESTS = 20;

const ZERO =
  'Services at min-scale 0 are first left idle until they have no pod: at most 2 x (stable-window + max(scale-to-zero-grace-period, ' +
  'scale-to-zero-pod-retention-period)) + 10 s, read from knative-serving/config-autoscaler (else inconclusive)';

const burstName = 'coldstart-burst';

/** The normative clause the cold-start requirements check (SINGLE, BURST). */
const HOLD =
  'Knative Serving API specification 1.0 (knative/specs specs/serving/knative-api-specification-1.0.md), "Request Routing": "When a ' +
  'selected Revision does not have available instances, the routing infrastructure MUST hold (delay) requests until an available ' +
  'instance is ready, scheduling a new container instance if needed. This is sometimes referred to as a "cold start"."; Knative Serving ' +
  'runtime contract, "Network Environment": "For request-response functions, 0->many scaling is enabled by control of the inbound ' +
  'request path to enable capturing and stalling inbound requests until an autoscaled container is available to serve that request."';

/** The Services the run's selection needs: the trials' for SINGLE or P95, the burst's for BURST. */
interface Plan {
  trialNames: string[];
  names: string[];
}

let plan: Plan | undefined;
let cluster: Cluster | undefined;
let fleet: Promise<ColdFleet> | undefined;
let trials: Promise<ColdStartTrial[]> | undefined;

/** Decided by whichever requirement runs first, from the run's selection. */
function planFor(ctx: RequirementContext): Plan {
  if (!plan) {
    const trialNames = ctx.selected(SINGLE.id) || ctx.selected(P95.id) ? Array.from({ length: TRIALS }, (_, i) => `coldstart-${i + 1}`) : [];
    plan = { trialNames, names: [...trialNames, ...(ctx.selected(BURST.id) ? [burstName] : [])] };
  }
  return plan;
}

/** The Services, at zero; made once by whichever requirement runs first. */
async function atZero(ctx: RequirementContext): Promise<ColdFleet> {
  cluster ??= ctx.cluster;
  fleet ??= coldFleet(ctx, planFor(ctx).names);
  const f = await fleet;
  for (const r of f.resources) ctx.log.resource(r);
  ctx.log.note(`from ${f.config.sources.join(', ')}`);
  ctx.log.observe('time to Ready (all Services)', f.readyMs / 1000, { unit: 's' });
  ctx.log.observe('time from Ready to zero pods', f.zeroMs / 1000, { unit: 's', bound: `<= ${f.zeroBoundMs / 1000} s (precondition)` });
  return f;
}

function trialsOnce(ctx: RequirementContext, f: ColdFleet): Promise<ColdStartTrial[]> {
  trials ??= (async () => {
    const { trialNames } = planFor(ctx);
    const services = f.services.filter((s) => trialNames.includes(s.name));
    try {
      return await ctx.exclusive(() => coldStartTrials(ctx, services, TRIAL_SPACING_MS));
    } finally {
      await deleteServices(ctx, trialNames);
    }
  })();
  return trials;
}

afterFile(async () => {
  if (cluster && plan) await deleteServices({ cluster }, plan.names);
});

export const SINGLE = requirement({
  id: 'SERVING.COLDSTART.SINGLE',
  level: 'MUST',
  layer: 'serving',
  profile: 'conformance',
  title: 'The first request to a revision scaled to zero succeeds: it is held until a pod is ready, not refused (5 trials)',
  upstream: HOLD,
  bound: `${ZERO}; each request settings.requestTimeoutSeconds (default 30 s), answered 200`,
  mutants: ['no-activator'],
}, async (ctx) => {
  const t = await trialsOnce(ctx, await atZero(ctx));
  observeTrials(ctx.log, t);
  ctx.log.sample(t.length);
  ctx.log.artifact(writeTrials(ctx.reportDir, 'trials.json', t));
  const failed = t.filter((x) => x.status !== 200);
  const first = failed[0];
  ctx.must(
    'every first request at zero answers 200',
    failed.length === 0,
    `${failed.length} of ${t.length} first requests at zero failed (${failed.map((x) => x.status || 'no response').join(', ')}); ` +
      `e.g. ${first?.service}: ${first?.problem ?? first?.status} after ${first?.firstByteS ?? '?'} s`,
  );
});

export const P95 = requirement({
  id: 'SERVING.COLDSTART.P95',
  level: 'SHOULD',
  layer: 'serving',
  profile: 'operational',
  title: 'The 95th percentile of cold starts (request sent at zero pods to first response byte, 5 trials) is within the configured bound',
  upstream:
    'Knative Serving docs (cold-start latency documented, not specified: no upstream clause bounds it), "Configuring scale to zero" ' +
    'and the autoscaling docs; the bound is the run\'s configuration',
  bound: `settings.coldStartP95Seconds (default 10 s), nearest-rank p95 of 5 trials (= their maximum); ${ZERO}`,
  // Its default delay (15 s) puts a cold start at about 1.5x the default 10 s bound.
  mutants: ['slow-cold-start'],
}, async (ctx) => {
  const bound = ctx.settings.coldStartP95Seconds;
  const t = await trialsOnce(ctx, await atZero(ctx));
  observeTrials(ctx.log, t);
  ctx.log.artifact(writeTrials(ctx.reportDir, 'trials.json', t));
  const cold = t.filter((x) => x.status === 200 && x.firstByteS !== undefined && !x.warm);
  ctx.log.sample(cold.length);
  if (cold.length < t.length) {
    ctx.inconclusive(`only ${cold.length} of ${t.length} trials were successful cold starts (see SERVING.COLDSTART.SINGLE); the p95 needs all of them`);
  }
  const sorted = cold.map((x) => x.firstByteS!).sort((a, b) => a - b);
  const p95 = nearestRank(sorted, 0.95);
  ctx.log.observe('cold start p50 (request to first byte)', nearestRank(sorted, 0.5), { unit: 's' });
  ctx.log.observe('cold start p95 (request to first byte, nearest rank)', p95, { unit: 's', bound: `<= ${bound} s` });
  ctx.log.observe('cold start max', sorted.at(-1)!, { unit: 's' });
  const slowest = cold.reduce((a, b) => (b.firstByteS! > a.firstByteS! ? b : a));
  ctx.must(
    `the p95 cold start is within ${bound} s`,
    p95 <= bound,
    `p95 cold start ${p95.toFixed(2)} s > ${bound} s (settings.coldStartP95Seconds) over ${t.length} trials; slowest, ${slowest.service}: ${phasesOf(slowest)}`,
  );
});

export const BURST = requirement({
  id: 'SERVING.COLDSTART.BURST',
  level: 'MUST',
  layer: 'serving',
  profile: 'conformance',
  title: '20 concurrent requests arriving at a revision scaled to zero all succeed; none is a 5xx',
  upstream: HOLD,
  bound: `${ZERO}; each request settings.requestTimeoutSeconds (default 30 s)`,
  mutants: ['no-activator'],
}, async (ctx) => {
  const f = await atZero(ctx);
  const svc = ctx.require(f.services.find((s) => s.name === burstName), `Service ${burstName} was not made`);
  const gateway = await discoverGateway(ctx.cluster, ctx.settings.gateway);
  try {
    const get = () => httpAttempt({ url: svc.url, via: gateway, timeoutMs: ctx.settings.requestTimeoutSeconds * 1000, signal: ctx.signal });
    const res = await ctx.exclusive(() => Promise.all(Array.from({ length: BURST_REQUESTS }, get)));
    const statuses: Record<string, number> = {};
    for (const r of res) statuses[r.error ? 'no response' : String(r.status)] = (statuses[r.error ? 'no response' : String(r.status)] ?? 0) + 1;
    const pods = new Set(res.map((r) => r.headers['x-gauntlet-pod']).filter((p) => typeof p === 'string'));
    const firstBytes = res.filter((r) => r.firstByteMs !== undefined).map((r) => Math.round(r.firstByteMs) / 1000).sort((a, b) => a - b);
    const ok = res.filter((r) => r.status === 200).length;
    const fiveXX = res.filter((r) => r.status >= 500).length;
    ctx.log.sample(res.length);
    ctx.log.observe('concurrent requests at zero', res.length);
    ctx.log.observe('answered 200', ok, { bound: `= ${res.length}` });
    ctx.log.observe('answered 5xx', fiveXX, { bound: '= 0' });
    ctx.log.observe('statuses', JSON.stringify(statuses));
    ctx.log.observe('pods that answered', pods.size);
    if (firstBytes.length > 0) {
      ctx.log.observe('first byte p50', nearestRank(firstBytes, 0.5), { unit: 's' });
      ctx.log.observe('first byte max', firstBytes.at(-1)!, { unit: 's' });
    }
    ctx.log.artifact(writeTrials(ctx.reportDir, 'burst.json', res.map((r) => ({ status: r.status, error: r.error, firstByteS: r.firstByteMs !== undefined ? Math.round(r.firstByteMs) / 1000 : undefined, pod: r.headers['x-gauntlet-pod'], body: r.status === 200 ? undefined : oneLine(r.body, 300) }))));
    const firstBad = res.find((r) => r.status !== 200);
    const example = firstBad ? `; e.g. ${firstBad.error ?? `${firstBad.status} ${oneLine(firstBad.body)}`}` : '';
    ctx.must('no request at zero answers 5xx', fiveXX === 0, `${fiveXX} of ${res.length} concurrent requests at zero answered 5xx (${JSON.stringify(statuses)})${example}`);
    ctx.must('every request at zero answers 200', ok === res.length, `${res.length - ok} of ${res.length} concurrent requests at zero did not succeed (${JSON.stringify(statuses)})${example}`);
  } finally {
    await deleteServices(ctx, [burstName]);
  }
});
