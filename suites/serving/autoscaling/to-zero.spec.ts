/**
 * SERVING.SCALE.TO-ZERO
 *   setup:        a probe Knative Service with no autoscaling annotations; it becomes Ready; one request.
 *   requirement:  config-autoscaler enable-scale-to-zero is true (else not applicable).
 *   MUST          ready pods reach 0 within stable window + grace period + retention + slack after the
 *                 last request ended.
 *   SHOULD        not before the stable window (less one metric bucket) has passed since then.
 */
import { requirement } from '../../../harness/index.ts';
import { BUCKET_S, CONFIG, round2, SLACK, slackS } from './bounds.ts';
import { assertions, readConfig, startScaleRun } from './run.ts';

export default requirement({
  id: 'SERVING.SCALE.TO-ZERO',
  level: 'MUST',
  layer: 'serving',
  profile: 'operational',
  title: 'After traffic stops, a revision\'s ready pods reach zero within the stable window, the scale-to-zero grace period and the pod retention period (and SHOULD NOT before the stable window)',
  upstream:
    'Knative Serving docs (behaviour documented, not specified: the API specification only says a Revision with no referencing Routes ' +
    '"MAY be automatically scaled to zero instances"), "Configuring scale to zero" (enable-scale-to-zero, scale-to-zero-grace-period, ' +
    'scale-to-zero-pod-retention-period) and "Additional autoscaling configuration for Knative Pod Autoscaler" (stable window)',
  bound: `zero ready pods within stable-window + scale-to-zero-grace-period + scale-to-zero-pod-retention-period + slack after the last request ended (${SLACK}); SHOULD not before stable-window - 1 s (one metric bucket), a recorded expectation; all from ${CONFIG}; not-applicable when enable-scale-to-zero is false; the request and the wait for zero beside light loads only (the time is judged)`,
  mutants: ['never-scales-to-zero'],
}, async (ctx) => {
  const { log } = ctx;
  const read = await readConfig(ctx);
  const c = read.settings;
  if (!c.enableScaleToZero) ctx.notApplicable('config-autoscaler enable-scale-to-zero is false: the target is configured not to scale to zero');
  const base = c.stableWindowS + c.gracePeriodS + c.retentionS;
  const boundS = round2(base + slackS(base));
  const earliestS = c.stableWindowS - BUCKET_S;
  log.observe('stable-window', c.stableWindowS, { unit: 's' });
  log.observe('scale-to-zero-grace-period', c.gracePeriodS, { unit: 's' });
  log.observe('scale-to-zero-pod-retention-period', c.retentionS, { unit: 's' });

  // Setup.
  const run = await startScaleRun(ctx, read, { name: 'scale-to-zero', maxSeconds: ctx.settings.readyTimeoutSeconds + boundS + 30 });
  const { observer: o } = run;
  const { must, should } = assertions(ctx);
  try {
    // The request and the wait for zero are timed against the autoscaler's windows: beside light loads only.
    await ctx.lightLoad(async () => {
      const res = await run.request();
      if (res.status !== 200) ctx.inconclusive(`the Service answered ${res.status} to its one request: no traffic to stop (${res.body.slice(0, 120)})`);
      const lastMs = o.mark('last request ended');
      run.data.bound = { zeroWithinS: boundS, notBeforeS: earliestS, from: 'the end of the last request' };

      // Requirement: wait for zero, bounded.
      const reached = await o.until((s) => s.ready === 0, boundS * 1000 - (Date.now() - lastMs));
      const zeroMs = reached ? o.firstTime(lastMs, (e) => e.ready === 0) : undefined;
      const afterS = zeroMs === undefined ? undefined : round2((zeroMs - lastMs) / 1000);
      if (zeroMs !== undefined) o.mark('zero ready pods', zeroMs);
      log.observe('zero ready pods after the last request', afterS ?? null, { unit: 's', bound: `<= ${boundS} s (stable window ${c.stableWindowS} + grace ${c.gracePeriodS} + retention ${c.retentionS} + slack)` });
      run.data.result = { zeroAfterS: afterS ?? null };

      const s = o.now();
      must('the revision reaches zero ready pods in the bound', reached, () => {
        const why = s.desired === null
          ? ''
          : s.desired > 0
            ? `; the PodAutoscaler still desires ${s.desired} pod(s): the autoscaler never decided to scale to zero`
            : `; the PodAutoscaler desires ${s.desired} but ${s.ready} pod(s) stay ready: the scale-down is not carried out`;
        return `${s.ready} pod(s) still ready ${boundS} s after the last request (bound: stable window ${c.stableWindowS} s + grace ${c.gracePeriodS} s + retention ${c.retentionS} s + slack)${why}; SKS mode ${s.mode ?? '-'}; timeline t:desired/actual/ready ${o.compact(lastMs)}`;
      });
      should('the revision keeps a ready pod until the stable window has passed', afterS! >= earliestS, () =>
        `zero ready pods ${afterS} s after the last request, before the stable window (${c.stableWindowS} s, less a ${BUCKET_S} s bucket) could have emptied; timeline ${o.compact(lastMs)}`);
    });
  } finally {
    await run.finish();
  }
});
