/**
 * SERVING.SCALE.DOWN
 *   setup:        a probe Knative Service with autoscaling.knative.dev/min-scale: 1 (it waits for the target
 *                 idle) and target: 2 (per-pod target = 2 x
 *                 container-concurrency-target-percentage); it becomes Ready.
 *   requirement:  k6 arrival-rate load: worth N = 5 pods for as long as the scale-up and a full stable
 *                 window take, then a step down to a load worth M = 2 pods for as long as the scale-down may take.
 *   MUST          ready pods fall to <= M within stable window + scale-down-delay + the scale-down rate's
 *                 steps + slack of the drop.
 *   MUST          not before the stable window: whenever ready pods fall after the drop, they still cover
 *                 the pods the load's own concurrency, averaged over the stable window ending one bucket
 *                 later, justifies.
 *   inconclusive  when the load never raised the revision above M, or fell short of its rate.
 */
import { requirement } from '../../../harness/index.ts';
import { BUCKET_S, CONFIG, DECISION_INTERVAL_S, perPodTarget, rateSteps, round2, scaleUpBound, SLACK, slackS } from './bounds.ts';
import { concurrencyOver, HOLD_MS, podsFor, rateFor } from './load.ts';
import { assertions, offerLoad, readConfig, startScaleRun, STAY_UP } from './run.ts';

const TARGET = 2;
/** High against low: a correct scale-down to LOW_PODS takes most of the stable window; one on the panic window does not. */
const HIGH_PODS = 5;
const LOW_PODS = 2;
/** The low load runs in k6 runs this long, until the new need is reached. */
const LOW_CHUNK_S = 2;

export default requirement({
  id: 'SERVING.SCALE.DOWN',
  level: 'MUST',
  layer: 'serving',
  profile: 'operational',
  title: 'After load drops, a revision\'s ready pods fall back to the new need within the stable window and the scale-down rate, and never below what the stable window\'s average justifies',
  upstream:
    'Knative Serving docs (behaviour documented, not specified), "Additional autoscaling configuration for Knative Pod Autoscaler" (stable window, max-scale-down-rate) and "Configuring scale bounds" (scale-down-delay)',
  bound: `ready pods <= M = ceil(low concurrency / per-pod target) within stable-window + scale-down-delay + ceil(log_{max-scale-down-rate}(N / M)) x 2 s + slack of the drop (${SLACK}); whenever ready pods fall after the drop, ready pods >= ceil(the concurrency the load imposed (k6's requests from their start, each for at most the probe's hold) averaged over the stable window ending 1 s (a bucket) later / per-pod target); from ${CONFIG}; inconclusive when the load never raised the revision above M`,
  mutants: ['scales-down-early'],
}, async (ctx) => {
  const { log } = ctx;
  const read = await readConfig(ctx);
  const c = read.settings;
  const perPod = perPodTarget(c, TARGET);
  const high = rateFor(HIGH_PODS, perPod);
  const low = rateFor(LOW_PODS, perPod);
  const wantHigh = podsFor((high * HOLD_MS) / 1000, perPod);
  const wantLow = podsFor((low * HOLD_MS) / 1000, perPod);
  const steps = rateSteps(wantHigh, wantLow, c.maxScaleDownRate);
  const base = c.stableWindowS + c.scaleDownDelayS + steps * DECISION_INTERVAL_S;
  const downS = round2(base + slackS(base));
  log.observe('per-pod concurrency target', round2(perPod), { bound: `target ${TARGET} x ${c.targetUtilization} (container-concurrency-target-percentage)` });
  log.observe('pods the high load wants', wantHigh, { bound: `${high} req/s x ${HOLD_MS} ms` });
  log.observe('pods the low load wants (the new need)', wantLow, { bound: `${low} req/s x ${HOLD_MS} ms` });
  log.observe('scale-down bound', downS, {
    unit: 's', bound: `stable window ${c.stableWindowS} + scale-down-delay ${c.scaleDownDelayS} + ${steps} x 2 s (max-scale-down-rate ${c.maxScaleDownRate}) + slack`,
  });

  // Setup, beside the other requirements; then the load and its judgement, beside other light loads only.
  const run = await startScaleRun(ctx, read, {
    name: 'scale-down', annotations: { ...STAY_UP, 'autoscaling.knative.dev/target': String(TARGET) },
    maxSeconds: ctx.settings.readyTimeoutSeconds + c.stableWindowS * 3 + downS + 120,
  });
  const { observer: o } = run;
  const { must } = assertions(ctx);
  try {
    await ctx.lightLoad(async () => {
      const up = scaleUpBound(c, Math.max(1, o.now().ready), wantHigh, o.podStartSeconds() ?? (run.readyMs - run.appliedMs) / 1000);
      // Long enough to scale up and to fill the stable window with the high load.
      const highS = Math.ceil(Math.max(c.stableWindowS, up.seconds));
      const lowS = Math.ceil(downS);
      run.data.bound = { perPod, wantHigh, wantLow, highSeconds: highS, lowSeconds: lowS, scaleDownWithinS: downS, scaleUp: up, bucketS: BUCKET_S };

      // Requirement: high, then the drop to low, which runs (in short k6 runs) until the new need is reached
      // or the bound has passed.
      const highLoad = await offerLoad(run, 'high', [{ rate: high, seconds: highS }]);
      const dropMs = o.mark('load dropped', highLoad.facts.startMs + highS * 1000);
      const lowLoad = await offerLoad(run, 'low', [{ rate: low, seconds: lowS }], { chunkSeconds: LOW_CHUNK_S, stop: () => o.now().ready <= wantLow });
      const records = [...highLoad.facts.records, ...lowLoad.facts.records];
      const facts = { records, startMs: highLoad.facts.startMs, endMs: lowLoad.facts.endMs };
      const shortfall = [highLoad.shortfall, lowLoad.shortfall].filter(Boolean).join('; ') || undefined;
      const endMs = facts.endMs;
      const overall = o.extremes(facts.startMs, endMs);
      log.observe('ready pods at the drop', o.readyAt(dropMs), { bound: `> ${wantLow}` });
      if (overall.maxReady <= wantLow) {
        ctx.inconclusive(`${shortfall ? `${shortfall}; ` : ''}the high load never raised the revision above the new need ${wantLow} (at most ${overall.maxReady} ready): nothing to scale down; timeline ${o.compact(facts.startMs)}`);
      }

      // MUST: down to the new need in the bound.
      const downMs = o.firstTime(dropMs, (e) => e.ready <= wantLow);
      const downAfterS = downMs === undefined ? undefined : round2((downMs - dropMs) / 1000);
      if (downMs !== undefined) o.mark(`<= ${wantLow} ready pods`, downMs);
      log.observe(`ready pods <= ${wantLow} after the drop`, downAfterS ?? null, { unit: 's', bound: `<= ${downS} s` });

      // MUST: no scale-down below what the stable window's average justifies: at each moment after the drop
      // when ready pods fell, the fewer pods must still cover the concurrency the load imposed (each request
      // held HOLD_MS by the probe, from its start: the least the platform saw) averaged over the stable
      // window, the window ending one bucket later in the target's favour.
      const windowMs = c.stableWindowS * 1000;
      const justifiedAt = (t: number) => {
        const ahead = t + BUCKET_S * 1000;
        const avg = concurrencyOver(facts.records, ahead - windowMs, ahead, HOLD_MS);
        return { avg: round2(avg), pods: podsFor(avg, perPod) };
      };
      let early: { atMs: number; from: number; ready: number; justified: number; avg: number } | undefined;
      let prev = o.readyAt(dropMs);
      for (const [t, , , ready] of o.timeline) {
        const atMs = o.t0 + t * 1000;
        if (atMs <= dropMs || atMs > endMs) continue;
        const j = justifiedAt(atMs);
        if (ready < prev && ready < j.pods && !early) early = { atMs, from: prev, ready, justified: j.pods, avg: j.avg };
        prev = ready;
      }
      const need: [number, number, number, number][] = [];
      for (let t = dropMs; t <= endMs; t += 500) {
        const j = justifiedAt(t);
        need.push([run.rel(t), j.avg, j.pods, o.readyAt(t)]);
      }
      run.data.stableNeedColumns = ['t', 'the load\'s concurrency (requests held by the probe) averaged over the stable window ending 1 s later', 'pods it justifies', 'ready pods'];
      run.data.stableNeed = need;
      log.observe('scaled below the stable window\'s need', early ? `${run.rel(early.atMs)} s: ${early.ready} ready < ${early.justified}` : 'never');
      run.data.result = {
        readyAtDrop: o.readyAt(dropMs), maxReady: overall.maxReady, downAfterS: downAfterS ?? null,
        early: early ? { t: run.rel(early.atMs), afterDropS: round2((early.atMs - dropMs) / 1000), ready: early.ready, justified: early.justified, stableAverage: early.avg } : null,
      };

      must('ready pods never fall below what the stable window\'s average of the load justifies', early === undefined, () => {
        const e = early!;
        return `${round2((e.atMs - dropMs) / 1000)} s after the load dropped, ready pods fell from ${e.from} to ${e.ready}, but the load's concurrency averaged over the stable window (${c.stableWindowS} s) was still ${e.avg}, worth ${e.justified} pods at ${round2(perPod)} each: scaled down before the stable window; timeline t:desired/actual/ready ${o.compact(dropMs - 1000)}`;
      });
      const inBound = downAfterS !== undefined && downAfterS <= downS;
      if (!inBound && shortfall) ctx.inconclusive(`ready pods not down to ${wantLow} in ${downS} s, but ${shortfall}`);
      must(`ready pods fall to ${wantLow} in the bound`, inBound, () => {
        const s = o.now();
        const when = downAfterS === undefined ? `not within the ${lowS} s the low load ran (${o.readyAt(endMs)} ready at its end)` : `only after ${downAfterS} s`;
        const why = s.desired !== null && s.desired > wantLow ? `; the PodAutoscaler still desired ${s.desired}` : '';
        return `ready pods fell to ${wantLow} ${when}; bound ${downS} s${why}; timeline t:desired/actual/ready ${o.compact(dropMs - 1000)}`;
      });
    });
  } finally {
    await run.finish();
  }
});
