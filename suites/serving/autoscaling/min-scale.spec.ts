/**
 * SERVING.SCALE.MIN-SCALE
 *   setup:        a probe Knative Service with autoscaling.knative.dev/min-scale: 2; it becomes Ready; no traffic.
 *   requirement:  idle for as long as an idle revision without min-scale takes to reach zero: stable window
 *                 + scale-to-zero grace period + pod retention + slack from Ready.
 *   MUST          min-scale ready pods within slack of Ready (Knative's Ready waits for them).
 *   MUST          never fewer ready pods than min-scale while idle.
 */
import { requirement } from '../../../harness/index.ts';
import { CONFIG, round2, SLACK, slackS } from './bounds.ts';
import { assertions, readConfig, startScaleRun } from './run.ts';

const MIN_SCALE = 2;

export default requirement({
  id: 'SERVING.SCALE.MIN-SCALE',
  level: 'MUST',
  layer: 'serving',
  profile: 'operational',
  title: 'An idle revision with autoscaling.knative.dev/min-scale never has fewer ready pods than min-scale',
  upstream: 'Knative Serving docs (behaviour documented, not specified), "Configuring scale bounds", Lower bound (autoscaling.knative.dev/min-scale)',
  bound: `min-scale 2 (annotation) reached within slack of Ready, then no fewer ready pods while idle for stable-window + scale-to-zero-grace-period + scale-to-zero-pod-retention-period + slack (${SLACK}; from ${CONFIG}); the idle observation beside light loads only (the time is judged)`,
  mutants: ['ignores-min-scale'],
}, async (ctx) => {
  const { log } = ctx;
  const read = await readConfig(ctx);
  const c = read.settings;
  const base = c.stableWindowS + c.gracePeriodS + c.retentionS;
  const idleS = round2(base + slackS(base));
  const settleS = slackS(base);
  log.observe('min-scale (annotation)', MIN_SCALE);
  log.observe('idle observation', idleS, { unit: 's', bound: `>= stable window ${c.stableWindowS} + grace ${c.gracePeriodS} + retention ${c.retentionS} + slack` });

  // Setup.
  const run = await startScaleRun(ctx, read, {
    name: 'scale-min', annotations: { 'autoscaling.knative.dev/min-scale': String(MIN_SCALE) },
    maxSeconds: ctx.settings.readyTimeoutSeconds + idleS + 30,
  });
  const { observer: o } = run;
  const { must } = assertions(ctx);
  try {
    run.data.bound = { minScale: MIN_SCALE, reachWithinS: settleS, idleForS: idleS, from: 'the Service seen Ready (or the idle phase\'s start, if later)' };
    // The timed part beside light loads only: min-scale reached within slack of Ready (read from the timeline,
    // whenever the phase starts), then the idle observation, for idleS from the later of Ready and the phase's start.
    await ctx.lightLoad(async () => {
      const startMs = Math.max(Date.now(), run.readyMs);
      await o.until((s) => s.ready >= MIN_SCALE, settleS * 1000 - (Date.now() - run.readyMs));
      const reachedMs = o.firstTime(run.readyMs, (e) => e.ready >= MIN_SCALE);
      const reached = reachedMs !== undefined && reachedMs - run.readyMs <= settleS * 1000;
      if (reachedMs !== undefined) o.mark('min-scale ready', reachedMs);
      must('the revision reaches min-scale ready pods within slack of Ready', reached, () => {
        const s = o.now();
        const desired = s.desired === null ? '' : `; the PodAutoscaler desires ${s.desired}`;
        const when = reachedMs === undefined ? `${s.ready} ready pod(s) ${settleS} s after the Service became Ready` : `min-scale reached only ${round2((reachedMs - run.readyMs) / 1000)} s after the Service became Ready (slack ${settleS} s)`;
        return `${when}, fewer than min-scale ${MIN_SCALE}${desired}; timeline t:desired/actual/ready ${o.compact()}`;
      });

      // Requirement: idle, and watch.
      const endMs = startMs + idleS * 1000;
      await o.sleep(endMs - Date.now());
      o.mark('idle observation ended');
      const x = o.extremes(reachedMs!, endMs);
      log.observe('fewest ready pods while idle', x.minReady, { bound: `>= ${MIN_SCALE}` });
      log.observe('lowest desired scale while idle', x.minDesired);
      run.data.result = { minReady: x.minReady, minDesired: x.minDesired, idleFromS: run.rel(reachedMs!), idleToS: run.rel(endMs) };
      must('the revision never has fewer ready pods than min-scale while idle', x.minReady >= MIN_SCALE, () => {
        const below = o.firstTime(reachedMs!, (e) => e.ready < MIN_SCALE)!;
        const desired = x.minDesired !== null && x.minDesired < MIN_SCALE ? `; the PodAutoscaler desired as few as ${x.minDesired}: the autoscaler does not apply min-scale` : '';
        return `ready pods fell to ${x.minReady} (min-scale ${MIN_SCALE}) ${round2((below - run.readyMs) / 1000)} s after Ready, while idle${desired}; timeline t:desired/actual/ready ${o.compact()}`;
      });
    });
  } finally {
    await run.finish();
  }
});
