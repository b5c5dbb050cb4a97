import { discoverGateway, percentiles, requirement } from '../../../harness/index.ts';
import { applySteps, both, loadSeconds, logSteps, stepOutcomes, type StepTiming } from './parts/rollout-steps.ts';
import { serviceWithRevisions, setTraffic } from './parts/revisions.ts';
import { REVISION_HEADER } from './parts/sampler.ts';

const RATE = 200;
/** Least requests a step must carry to count as under load: half a second of the rate. */
const MIN_PER_STEP = RATE / 2;
const TIMING: StepTiming = { leadSeconds: 1, periodSeconds: 2, dwellSeconds: 1 };

export default requirement({
  id: 'SERVING.TRAFFIC.ROLLOUT',
  level: 'MUST',
  layer: 'serving',
  title: 'Moving traffic from one revision to another in steps (0/100, 25/75, 50/50, 100/0) under steady load loses no request',
  upstream:
    'Knative Serving API specification 1.0, "Route" (spec.traffic updates; Ready once the ingress serves the new split); ' +
    'Knative docs, "Traffic management: gradual rollout"',
  bound: 'no non-2xx answer and no connection error among all requests of a constant-arrival-rate k6 load (200/s) spanning the steps; inconclusive when a step carried fewer than 100 requests',
  mutants: ['drops-on-reconfigure'],
}, async (ctx) => {
  const { log, settings } = ctx;
  const svc = await serviceWithRevisions(ctx, 'traffic-rollout', 2);
  const [from, to] = svc.revisions as [string, string];
  const [first, ...next] = [0, 25, 50, 100].map((p) => ({ [to]: p, [from]: 100 - p }));
  await setTraffic(ctx, svc, first!);
  const gateway = await discoverGateway(ctx.cluster, settings.gateway);
  log.note(`rolling out ${to} (new) from ${from} (old), splits as new/old, under ${RATE} requests/s through ${gateway.source}`);

  const [load, steps] = await ctx.exclusive(() => {
    // The steps count from the load's first answer, not from k6's start, which can take a second or more.
    let began!: () => void;
    const beganP = new Promise<void>((resolve) => (began = resolve));
    const loadP = ctx.load({
      name: 'traffic-rollout', url: `http://${gateway.host}:${gateway.port}/`, host: new URL(svc.url).host,
      executor: { type: 'constant-arrival-rate', rate: RATE, durationSeconds: loadSeconds(TIMING, next.length), preAllocatedVUs: 60, maxVUs: 200 },
      countHeaders: [REVISION_HEADER], requestTimeoutSeconds: settings.requestTimeoutSeconds,
    }, { onFirstResponse: began });
    return both(loadP.finally(began), beganP.then(() => applySteps(ctx, svc, first!, next, TIMING)));
  });
  const outcomes = stepOutcomes(load.files.records, steps);
  logSteps(log, outcomes, to, settings.readyTimeoutSeconds);
  const lost = Object.entries(load.statusCounts).filter(([status]) => !status.startsWith('2'));
  log.observe('requests', load.requests);
  log.observe('statuses', JSON.stringify(load.statusCounts));
  log.observe('achieved rate', Math.round(load.achievedRate), { unit: 'req/s', bound: `${RATE}` });
  log.observe('dropped iterations', load.droppedIterations);
  const ms = percentiles(load.histogram, 1000);
  log.observe('latency p50 / p90 / p99 / max', `${ms.p50} / ${ms.p90} / ${ms.p99} / ${ms.max} ms over ${ms.count} requests`);
  log.sample(load.requests);
  const failed = outcomes.filter((o) => Object.keys(o.failures).length > 0);
  ctx.must('no request is lost', lost.length === 0, `${lost.reduce((n, [, c]) => n + c, 0)} of ${load.requests} requests lost (${lost.map(([s, c]) => `${c} x ${s === '0' ? 'no response' : s}`).join(', ')}), in step(s) ${failed.map((o) => o.step.label).join(', ')}`);
  // Every step must have carried load; k6's dropped iterations (requests it never sent, on a busy machine) are
  // evidence, not losses, and leave the verdict alone while every step is covered.
  const thin = outcomes.filter((o) => o.requests < MIN_PER_STEP);
  if (thin.length > 0) {
    const dropped = load.droppedIterations > 0 ? `; k6 could not start ${load.droppedIterations} of its requests (${RATE}/s planned)` : '';
    ctx.inconclusive(`fewer than ${MIN_PER_STEP} requests during step(s) ${thin.map((o) => `${o.step.label} (${o.requests})`).join(', ')}: the step was not under load${dropped}`);
  }
});
