/**
 * SERVING.SCALE.MAX-SCALE
 *   setup:        a probe Knative Service with autoscaling.knative.dev/min-scale: 1 (it waits for the target
 *                 idle) and max-scale: 2 and target: 2 (per-pod
 *                 target = 2 x container-concurrency-target-percentage); it becomes Ready.
 *   requirement:  k6 constant-arrival-rate load worth 2 x max-scale pods, for as long as SERVING.SCALE.UP
 *                 allows the autoscaler to take to scale that far (and a second more).
 *   MUST          never more live pods than max-scale (nor ready pods; the PodAutoscaler's desired scale
 *                 is kept as evidence).
 *   inconclusive  when the load fell short, or the revision never reached max-scale (the bound untested).
 */
import { requirement } from '../../../harness/index.ts';
import { perPodTarget, round2, scaleUpBound } from './bounds.ts';
import { concurrencyOver, HOLD_MS, podsFor, rateFor } from './load.ts';
import { assertions, offerLoad, readConfig, startScaleRun, STAY_UP } from './run.ts';

const TARGET = 2;
const MAX_SCALE = 2;

export default requirement({
  id: 'SERVING.SCALE.MAX-SCALE',
  level: 'MUST',
  layer: 'serving',
  profile: 'operational',
  title: 'A revision with autoscaling.knative.dev/max-scale never runs more pods than max-scale under load that wants more',
  upstream: 'Knative Serving docs (behaviour documented, not specified), "Configuring scale bounds", Upper bound (autoscaling.knative.dev/max-scale)',
  bound: `max-scale 2 (annotation); never more live pods, and the PodAutoscaler never desires more, while k6 offers 2 x max-scale pods' worth of concurrency (per-pod target = the target annotation x container-concurrency-target-percentage) for as long as SERVING.SCALE.UP allows a scale-up to take; inconclusive when the load fell short or max-scale was never reached`,
  mutants: ['ignores-max-scale'],
}, async (ctx) => {
  const { log } = ctx;
  const read = await readConfig(ctx);
  const c = read.settings;
  if (c.maxScaleLimit > 0 && c.maxScaleLimit < MAX_SCALE) {
    ctx.notApplicable(`config-autoscaler max-scale-limit ${c.maxScaleLimit} refuses max-scale ${MAX_SCALE}`);
  }
  const perPod = perPodTarget(c, TARGET);
  const rate = rateFor(2 * MAX_SCALE, perPod);
  const offered = (rate * HOLD_MS) / 1000;
  const want = podsFor(offered, perPod);
  log.observe('max-scale (annotation)', MAX_SCALE);
  log.observe('per-pod concurrency target', round2(perPod), { bound: `target ${TARGET} x ${c.targetUtilization} (container-concurrency-target-percentage)` });
  log.observe('pods the load wants', want, { bound: `ceil(${offered} concurrent (${rate} req/s x ${HOLD_MS} ms) / ${round2(perPod)})` });

  // Setup, beside the other requirements; then the load and its judgement, beside other light loads only.
  const run = await startScaleRun(ctx, read, {
    name: 'scale-max',
    annotations: { ...STAY_UP, 'autoscaling.knative.dev/max-scale': String(MAX_SCALE), 'autoscaling.knative.dev/target': String(TARGET) },
    maxSeconds: ctx.settings.readyTimeoutSeconds + c.stableWindowS * 2 + 120,
  });
  const { observer: o } = run;
  const { must } = assertions(ctx);
  try {
    await ctx.lightLoad(async () => {
      const from = Math.max(1, o.now().ready);
      const bound = scaleUpBound(c, from, want, o.podStartSeconds() ?? (run.readyMs - run.appliedMs) / 1000);
      log.observe('load held for', Math.ceil(bound.seconds + 1), { unit: 's', bound: `the scale-up bound ${bound.seconds} s (${bound.explain}) + 1 s` });
      run.data.bound = { maxScale: MAX_SCALE, want, perPod, loadSeconds: Math.ceil(bound.seconds + 1), scaleUp: bound };

      // Requirement: load that wants twice max-scale.
      const { facts, shortfall } = await offerLoad(run, 'over-max-scale', [{ rate, seconds: Math.ceil(bound.seconds + 1) }]);
      const x = o.extremes(facts.startMs, facts.endMs);
      const measured = round2(concurrencyOver(facts.records, facts.startMs, facts.endMs, HOLD_MS));
      log.observe('most live pods under load', x.maxPods, { bound: `<= ${MAX_SCALE}` });
      log.observe('most ready pods under load', x.maxReady, { bound: `<= ${MAX_SCALE}` });
      log.observe('most pods desired under load', x.maxDesired);
      log.observe('concurrency the load imposed (held by the probe)', measured, { bound: `wants ${podsFor(measured, perPod)} pods` });
      run.data.result = { maxPods: x.maxPods, maxReady: x.maxReady, maxDesired: x.maxDesired, measuredConcurrency: measured };

      const over = Math.max(x.maxPods, x.maxReady);
      must('the revision never has more pods than max-scale', over <= MAX_SCALE, () => {
        const at = o.firstTime(facts.startMs, (e) => e.ready > MAX_SCALE);
        const desired = x.maxDesired !== null && x.maxDesired > MAX_SCALE ? `; the PodAutoscaler desired ${x.maxDesired}: the autoscaler does not apply max-scale` : '';
        return `${over} pods (max-scale ${MAX_SCALE})${at !== undefined ? `, ${round2((at - facts.startMs) / 1000)} s into the load` : ''}, under load wanting ${want}${desired}; timeline t:desired/actual/ready ${o.compact(facts.startMs)}`;
      });
      if (shortfall && podsFor(measured, perPod) <= MAX_SCALE) ctx.inconclusive(`${shortfall}: the load never wanted more than max-scale ${MAX_SCALE}`);
      if (x.maxReady < MAX_SCALE) {
        ctx.inconclusive(`the revision never reached max-scale ${MAX_SCALE} (at most ${x.maxReady} ready) under load wanting ${want}: the bound was not exercised; timeline ${o.compact(facts.startMs)}`);
      }
    });
  } finally {
    await run.finish();
  }
});
