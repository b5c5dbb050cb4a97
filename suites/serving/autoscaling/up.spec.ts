/**
 * SERVING.SCALE.UP
 *   setup:        a probe Knative Service with autoscaling.knative.dev/min-scale: 1 (it waits for the target
 *                 idle) and target: 2 (per-pod target = 2 x
 *                 container-concurrency-target-percentage); it becomes Ready at its initial scale.
 *   requirement:  k6 constant-arrival-rate load whose concurrency (rate x the probe's hold) wants N = 4 pods,
 *                 for as long as the scale-up may take.
 *   MUST          ready pods >= N within the bound (the panic or stable window, the scale-up rate's steps,
 *                 the pod start, slack) of the load's first request; inconclusive if the load fell short.
 *   MUST          no 5xx (and no request without a response) while scaling up.
 */
import { requirement } from '../../../harness/index.ts';
import { CONFIG, perPodTarget, round2, scaleUpBound, SLACK } from './bounds.ts';
import { concurrencyOver, HOLD_MS, podsFor, rateFor } from './load.ts';
import { assertions, offerLoad, readConfig, startScaleRun, STAY_UP } from './run.ts';

const TARGET = 2;
const WANT_PODS = 4;

export default requirement({
  id: 'SERVING.SCALE.UP',
  level: 'MUST',
  layer: 'serving',
  profile: 'operational',
  title: 'Under constant-arrival-rate load worth N pods\' concurrency target, a revision\'s ready pods reach N within a bound derived from the autoscaling windows and max-scale-up-rate, with no 5xx',
  upstream:
    'Knative Serving docs (behaviour documented, not specified), "Configuring concurrency" (autoscaling.knative.dev/target, container-concurrency-target-percentage) and "Additional autoscaling configuration for Knative Pod Autoscaler" (stable and panic modes, panic window and threshold, max-scale-up-rate)',
  bound: `N = ceil(offered concurrency / (target annotation x container-concurrency-target-percentage)); ready pods >= N within W + steps x 2 s + pod start + slack of the load's start, where W is the panic window (stable-window x panic-window-percentage, >= 1 s) when N / ready >= panic-threshold-percentage, else the stable window; steps = ceil(log_{max-scale-up-rate}(N / ready)) decisions of Knative's 2 s tick; pod start = the slowest start (seen -> Ready) of this revision's pods that became ready under the load (SCALE.UP judges the autoscaler, the cold-start requirements judge pod starts); ${SLACK}; from ${CONFIG}; zero 5xx; inconclusive when the load generator fell short`,
  mutants: ['slow-scale-up'],
}, async (ctx) => {
  const { log } = ctx;
  const read = await readConfig(ctx);
  const c = read.settings;
  const perPod = perPodTarget(c, TARGET);
  const rate = rateFor(WANT_PODS, perPod);
  const offered = (rate * HOLD_MS) / 1000;
  const want = podsFor(offered, perPod);
  log.observe('per-pod concurrency target', round2(perPod), { bound: `target ${TARGET} x ${c.targetUtilization} (container-concurrency-target-percentage)` });
  log.observe('offered concurrency', offered, { bound: `${rate} req/s x ${HOLD_MS} ms hold` });
  log.observe('pods the load wants', want, { bound: `ceil(${offered} / ${round2(perPod)})` });

  // Setup, beside the other requirements; then the load and its judgement, beside other light loads only.
  const run = await startScaleRun(ctx, read, {
    name: 'scale-up', annotations: { ...STAY_UP, 'autoscaling.knative.dev/target': String(TARGET) },
    maxSeconds: ctx.settings.readyTimeoutSeconds + c.stableWindowS * 2 + 120,
  });
  const { observer: o } = run;
  const { must } = assertions(ctx);
  try {
    await ctx.lightLoad(async () => {
      const from = Math.max(1, o.now().ready);
      const firstPodS = o.podStartSeconds() ?? (run.readyMs - run.appliedMs) / 1000;
      const planned = scaleUpBound(c, from, want, firstPodS);
      const loadS = Math.ceil(planned.seconds + 1);
      log.observe('load held for', loadS, { unit: 's', bound: `the scale-up bound with the first pod's start: ${planned.seconds} s (${planned.explain}) + 1 s` });

      // Requirement: one constant-arrival-rate load for as long as the bound (and a second to spare). Not
      // cut short in several k6 runs: their start-up jitter would thin the load the bound is derived from.
      const { facts, shortfall } = await offerLoad(run, 'scale-up', [{ rate, seconds: loadS }]);
      const startMs = facts.startMs;
      // The bound judges the autoscaler: it counts the pod start the target actually had under the load.
      const bound = scaleUpBound(c, from, want, Math.max(firstPodS, o.podStartSeconds(startMs) ?? 0));
      log.observe('scale-up bound', bound.seconds, { unit: 's', bound: bound.explain });
      run.data.bound = { from, want, perPod, loadSeconds: loadS, planned, ...bound };
      const reachedMs = o.firstTime(startMs, (e) => e.ready >= want);
      const afterS = reachedMs === undefined ? undefined : round2((reachedMs - startMs) / 1000);
      if (reachedMs !== undefined) o.mark(`${want} ready pods`, reachedMs);
      const x = o.extremes(startMs, facts.endMs);
      log.observe(`ready pods >= ${want} after the first request`, afterS ?? null, { unit: 's', bound: `<= ${bound.seconds} s` });
      log.observe('most ready pods under load', x.maxReady);
      log.observe('most pods desired under load', x.maxDesired);
      run.data.result = { reachedAfterS: afterS ?? null, maxReady: x.maxReady, maxDesired: x.maxDesired, errors: facts.errors };

      const inBound = afterS !== undefined && afterS <= bound.seconds;
      const loadRanS = round2((facts.endMs - startMs) / 1000);
      if (afterS === undefined && loadRanS < bound.seconds) {
        ctx.inconclusive(`${want} ready pods not reached while the load ran (${loadRanS} s), and pods started slower (${bound.podStartS} s) than planned: the load ended before the bound ${bound.seconds} s; timeline ${o.compact(startMs)}`);
      }
      if (!inBound && shortfall) ctx.inconclusive(`${want} ready pods not reached in ${bound.seconds} s, but ${shortfall}; timeline t:desired/actual/ready ${o.compact(startMs)}`);
      must(`the revision reaches ${want} ready pods in the bound`, inBound, () => {
        const reached = afterS === undefined ? `not reached while the load ran (at most ${x.maxReady} ready, ${x.maxDesired ?? '-'} desired)` : `reached only after ${afterS} s`;
        const desiredMs = o.firstTime(startMs, (e) => (e.desired ?? -1) >= want);
        const desiredS = desiredMs === undefined ? undefined : round2((desiredMs - startMs) / 1000);
        const why = x.maxDesired === null ? '' : desiredS === undefined
          ? `: the autoscaler never desired ${want} (PodAutoscaler desiredScale at most ${x.maxDesired})`
          : `: the autoscaler desired ${want} after ${desiredS} s${desiredS + bound.podStartS > bound.seconds ? '' : ', the pods were late to become ready'}`;
        return `${want} ready pods ${reached}${why}; bound ${bound.seconds} s = ${bound.explain}; offered ${offered} concurrent (${rate} req/s x ${HOLD_MS} ms; ${round2(concurrencyOver(facts.records, startMs, facts.endMs))} measured); timeline t:desired/actual/ready ${o.compact(startMs)}`;
      });
      must('every request is answered without a 5xx', facts.errors === 0, () =>
        `${facts.errors} of ${facts.records.length} requests got a 5xx or no response while scaling up: ${JSON.stringify(facts.statusCounts)}`);
    });
  } finally {
    await run.finish();
  }
});
