/**
 * Cold starts: Services of the probe at min-scale 0, idle until they have no pod, then asked once each.
 * The three requirements share one set of Services (the wait for zero is most of their cost): SINGLE and
 * P95 read the same k trials, BURST has its own Service. Only the requests hold the target alone
 * (`ctx.exclusive`): the Services are made and wait for zero beside the other requirements.
 */
import { afterAll, inject } from 'vitest';
import { requirement, type RequirementContext } from '../../../harness/requirements/requirement.ts';
import type { Cluster } from '../../../harness/cluster/cluster.ts';
import { discoverGateway } from '../../../harness/cluster/gateway.ts';
import { coldFleet, deleteServices, type ColdFleet } from '../parts/coldstart-fleet.ts';
import { timedGet } from '../parts/coldstart-timeline.ts';
import { coldStartTrials, nearestRank, observeTrials, oneLine, phasesOf, writeTrials, type ColdStartTrial } from '../parts/coldstart-trials.ts';

/** Trials behind SINGLE and P95; each is a Service of its own, so that all reach zero in one wait. */
const TRIALS = 5;
/** Trials run one after the other, but start at most this far apart: a slow target overlaps them. */
const TRIAL_SPACING_MS = 2000;
/** Concurrent requests at zero for BURST. */
const BURST_REQUESTS = 20;

const selected = inject('gauntlet').requirements;
const trialNames = 'SERVING.COLDSTART.SINGLE' in selected || 'SERVING.COLDSTART.P95' in selected
  ? Array.from({ length: TRIALS }, (_, i) => `coldstart-${i + 1}`)
  : [];
const burstName = 'coldstart-burst';
const names = [...trialNames, ...('SERVING.COLDSTART.BURST' in selected ? [burstName] : [])];

let cluster: Cluster | undefined;
let fleet: Promise<ColdFleet> | undefined;
let trials: Promise<ColdStartTrial[]> | undefined;

/** The Services, at zero; made once by whichever requirement runs first. */
async function atZero(ctx: RequirementContext): Promise<ColdFleet> {
  cluster ??= ctx.cluster;
  fleet ??= coldFleet(ctx, names);
  const f = await fleet;
  for (const r of f.resources) ctx.log.resource(r);
  ctx.log.note(`from ${f.config.sources.join(', ')}`);
  ctx.log.observe('time to Ready (all Services)', f.readyMs / 1000, { unit: 's' });
  ctx.log.observe('time from Ready to zero pods', f.zeroMs / 1000, { unit: 's', bound: `<= ${f.zeroBoundMs / 1000} s (precondition)` });
  return f;
}

function trialsOnce(ctx: RequirementContext, f: ColdFleet): Promise<ColdStartTrial[]> {
  trials ??= (async () => {
    const services = f.services.filter((s) => trialNames.includes(s.name));
    try {
      return await ctx.exclusive(() => coldStartTrials(ctx, services, TRIAL_SPACING_MS));
    } finally {
      await deleteServices(ctx, trialNames);
    }
  })();
  return trials;
}

afterAll(async () => {
  if (cluster) await deleteServices({ cluster }, names);
});

requirement('SERVING.COLDSTART.SINGLE', async (ctx) => {
  const t = await trialsOnce(ctx, await atZero(ctx));
  observeTrials(ctx.log, t);
  ctx.log.sample(t.length);
  ctx.log.artifact(writeTrials(ctx.reportDir, 'trials.json', t));
  const failed = t.filter((x) => x.status !== 200);
  const first = failed[0];
  ctx.expect(
    failed.length === 0,
    `${failed.length} of ${t.length} first requests at zero failed (${failed.map((x) => x.status || 'no response').join(', ')}); ` +
      `e.g. ${first?.service}: ${first?.problem ?? first?.status} after ${first?.firstByteS ?? '?'} s`,
  );
});

requirement('SERVING.COLDSTART.P95', async (ctx) => {
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
  ctx.expect(
    p95 <= bound,
    `p95 cold start ${p95.toFixed(2)} s > ${bound} s (settings.coldStartP95Seconds) over ${t.length} trials; slowest, ${slowest.service}: ${phasesOf(slowest)}`,
  );
});

requirement('SERVING.COLDSTART.BURST', async (ctx) => {
  const f = await atZero(ctx);
  const svc = ctx.require(f.services.find((s) => s.name === burstName), `Service ${burstName} was not made`);
  const gateway = await discoverGateway(ctx.cluster, ctx.settings.gateway);
  try {
    const res = await ctx.exclusive(() => Promise.all(Array.from({ length: BURST_REQUESTS }, () => timedGet(svc.url, gateway, ctx.settings.requestTimeoutSeconds * 1000, ctx.signal))));
    const statuses: Record<string, number> = {};
    for (const r of res) statuses[r.error ? 'no response' : String(r.status)] = (statuses[r.error ? 'no response' : String(r.status)] ?? 0) + 1;
    const pods = new Set(res.map((r) => r.headers['x-gauntlet-pod']).filter((p) => typeof p === 'string'));
    const firstBytes = res.filter((r) => r.firstByteAt !== undefined).map((r) => (r.firstByteAt! - r.sentAt) / 1000).sort((a, b) => a - b);
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
    ctx.log.artifact(writeTrials(ctx.reportDir, 'burst.json', res.map((r) => ({ status: r.status, error: r.error, firstByteS: r.firstByteAt ? (r.firstByteAt - r.sentAt) / 1000 : undefined, pod: r.headers['x-gauntlet-pod'], body: r.status === 200 ? undefined : oneLine(r.body, 300) }))));
    const firstBad = res.find((r) => r.status !== 200);
    const example = firstBad ? `; e.g. ${firstBad.error ?? `${firstBad.status} ${oneLine(firstBad.body)}`}` : '';
    ctx.expect(fiveXX === 0, `${fiveXX} of ${res.length} concurrent requests at zero answered 5xx (${JSON.stringify(statuses)})${example}`);
    ctx.expect(ok === res.length, `${res.length - ok} of ${res.length} concurrent requests at zero did not succeed (${JSON.stringify(statuses)})${example}`);
  } finally {
    await deleteServices(ctx, [burstName]);
  }
});
