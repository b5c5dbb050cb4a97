import { discoverGateway, percentiles, requirement } from '../../../harness/index.ts';
import { TEMPLATE_HEADER } from '../revision-identity.ts';
import { applySteps, both, loadSeconds, logSteps, stepOutcomes, stepShare, type ShareCheck, type StepTiming } from './parts/rollout-steps.ts';
import { serviceWithRevisions, setTraffic } from './parts/revisions.ts';

const RATE = 200;
/** Least requests a step must carry to count as under load: half a second of the rate. */
const MIN_PER_STEP = RATE / 2;
const TIMING: StepTiming = { leadSeconds: 1, periodSeconds: 2, dwellSeconds: 1 };
const PERCENTS = [0, 25, 50, 100];
/** The requirement's confidence for the steps' shares, divided among the steps (Bonferroni). */
const CONFIDENCE = 0.99;
const SHARES: ShareCheck = { tolerance: 5, confidence: 1 - (1 - CONFIDENCE) / PERCENTS.length, minAnswers: 50 };

export default requirement({
  id: 'SERVING.TRAFFIC.ROLLOUT',
  level: 'MUST',
  layer: 'serving',
  profile: 'conformance',
  title:
    'Moving traffic from one revision to another in steps (0/100, 25/75, 50/50, 100/0) under steady load loses no request, and once ' +
    "each step is Ready the new revision's share is consistent with its percent",
  upstream:
    'Knative Serving API specification 1.0 (knative/specs specs/serving/knative-api-specification-1.0.md), "Request Routing": "Requests ' +
    'to a specific Host MUST be dispatched to Revision instances in accordance with the weights specified in the Route, even if the number ' +
    'of container instances per Revision does not match the weights specified in the Route."; "Detailed Resources – v1", Route spec, ' +
    'traffic: "Traffic specifies how to distribute traffic over a collection of Revisions belonging to the Service."',
  bound:
    `no non-2xx answer and no connection error among all requests of a constant-arrival-rate k6 load (${RATE}/s) spanning the steps; ` +
    "each step's share of the new revision, among the 2xx answers to requests sent between the Service being Ready with the step and the " +
    `next step, consistent with the step's percent +- ${SHARES.tolerance} pp: its Clopper-Pearson interval at ` +
    `${(SHARES.confidence * 100).toFixed(2)}% (${CONFIDENCE * 100}% for the requirement's ${PERCENTS.length} steps, Bonferroni) meets ` +
    `that band; inconclusive when a step carried fewer than ${MIN_PER_STEP} requests or fewer than ${SHARES.minAnswers} answers once Ready`,
  mutants: ['drops-on-reconfigure', 'stale-traffic-split'],
}, async (ctx) => {
  const { log, settings } = ctx;
  const svc = await serviceWithRevisions(ctx, 'traffic-rollout', 2);
  const [from, to] = svc.revisions as [string, string];
  const [first, ...next] = PERCENTS.map((p) => ({ [to]: p, [from]: 100 - p }));
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
      countHeaders: [TEMPLATE_HEADER], requestTimeoutSeconds: settings.requestTimeoutSeconds,
    }, { onFirstResponse: began });
    return both(loadP.finally(began), beganP.then(() => applySteps(ctx, svc, first!, next, TIMING)));
  });
  const outcomes = stepOutcomes(load.files.records, steps);
  const shares = outcomes.map((o) => stepShare(o, to, SHARES));
  logSteps(log, outcomes, to, settings.readyTimeoutSeconds, shares, SHARES);
  const lost = Object.entries(load.statusCounts).filter(([status]) => !status.startsWith('2'));
  log.observe('requests', load.requests);
  log.observe('statuses', JSON.stringify(load.statusCounts));
  log.observe('achieved rate', Math.round(load.achievedRate), { unit: 'req/s', bound: `${RATE}` });
  log.observe('dropped iterations', load.droppedIterations);
  const ms = percentiles(load.histogram, 1000);
  log.observe('latency p50 / p90 / p99 / max', `${ms.p50} / ${ms.p90} / ${ms.p99} / ${ms.max} ms over ${ms.count} requests`);
  log.sample(load.requests, CONFIDENCE);
  const failed = outcomes.filter((o) => Object.keys(o.failures).length > 0);
  ctx.must('no request is lost', lost.length === 0, `${lost.reduce((n, [, c]) => n + c, 0)} of ${load.requests} requests lost (${lost.map(([s, c]) => `${c} x ${s === '0' ? 'no response' : s}`).join(', ')}), in step(s) ${failed.map((o) => o.step.label).join(', ')}`);
  // Every step must have carried load; k6's dropped iterations (requests it never sent, on a busy machine) are
  // evidence, not losses, and leave the verdict alone while every step is covered.
  const thin = outcomes.filter((o) => o.requests < MIN_PER_STEP);
  const dropped = load.droppedIterations > 0 ? `; k6 could not start ${load.droppedIterations} of its requests (${RATE}/s planned)` : '';
  if (thin.length > 0) {
    ctx.inconclusive(`fewer than ${MIN_PER_STEP} requests during step(s) ${thin.map((o) => `${o.step.label} (${o.requests})`).join(', ')}: the step was not under load${dropped}`);
  }
  // Once a step is Ready the gateway serves its split: the new revision's share must be consistent with it.
  const off = shares.filter((s) => s.verdict === 'inconsistent');
  const pct = (x: number) => (x * 100).toFixed(1);
  ctx.must(
    "once each step is Ready, the new revision's share is consistent with the step's percent",
    off.length === 0,
    `once Ready, the new revision ${to} answered ${off.map((s) => `${pct(s.count / s.answers)}% (${s.count}/${s.answers}; interval ${pct(s.interval!.lower)}..${pct(s.interval!.upper)}%) in step ${s.label}, not ${s.percent}% +- ${SHARES.tolerance}`).join('; ')}: the traffic did not move as the Route says`,
  );
  const unjudged = shares.filter((s) => s.verdict === 'thin');
  if (unjudged.length > 0) {
    ctx.inconclusive(`fewer than ${SHARES.minAnswers} answers once Ready in step(s) ${unjudged.map((s) => `${s.label} (${s.answers})`).join(', ')}: the share could not be judged${dropped}`);
  }
});
