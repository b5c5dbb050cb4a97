import { requirement, virtualService } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { judgeShares, measureShares } from '../parts/shares.ts';
import { FAULT } from '../parts/upstream.ts';

const PERCENT = 50;
const DELAY_MS = 200;
const SLACK_MS = 250;
/**
 * A request counts as delayed from 90% of the delay on: the client's clock and Envoy's timer do not agree to
 * the millisecond, and a delayed answer measured at 199.6 ms is not a prompt one (the server itself answers
 * in a few ms). The answers between half the delay and this threshold are counted in the evidence.
 */
const DELAYED_FROM_MS = DELAY_MS * 0.9;

/** Delay half of the requests by 200 ms; the delayed ones' median shows the delay's magnitude. */
export default requirement({
  id: 'MESH.FAULT.DELAY',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title: 'A VirtualService delay fault delays the configured share of requests (50%) by the configured time (200 ms)',
  upstream:
    `${FAULT}.Delay (no normative word: the fields' definitions): fixedDelay "Add a fixed delay before forwarding the request."; ` +
    'percentage "Percentage of requests on which the delay will be injected."',
  bound:
    'share of requests taking >= 180 ms (90% of the delay) within 5 pp of 50% at 99% confidence (sequential; failed requests and requests in flight counted ' +
    'against it; off by up to 2.5 pp fails with <= 1%, measured 0.13% at most; off by 7.5 pp passes with <= 1%, measured power 99.9%; ' +
    'at most 20,000 requests or 180 s, else inconclusive with the rate achieved); the delayed ones\' median under 200 ms + 250 ms',
  mutants: ['fault-rate-off=7.5'],
}, async (ctx) => {
  const app = 'fault-delay';
  const vs = virtualService(app, { hosts: [app], http: [{ fault: { delay: { fixedDelay: `${DELAY_MS / 1000}s`, percentage: { value: PERCENT } } }, route: [{ destination: { host: app } }] }] });
  await inScenario(ctx, { app, policies: [vs], clients: [{ name: 'fault-delay-client', meshed: true }] }, async (sc) => {
    const outcome = await measureShares(ctx, sc.clients['fault-delay-client']!, {
      expected: { delayed: PERCENT / 100, prompt: 1 - PERCENT / 100 },
      classify: (r) => (r.status !== 200 ? undefined : r.ms >= DELAYED_FROM_MS ? 'delayed' : 'prompt'),
      request: { url: sc.url, timeoutMs: 10_000 }, tolerance: 0.05, confidence: 0.99, maxRequests: 20_000, batch: 500, concurrency: 48,
    });
    const delayed = outcome.results.filter((r) => r.status === 200 && r.ms >= DELAYED_FROM_MS).map((r) => r.ms).sort((a, b) => a - b);
    const between = outcome.results.filter((r) => r.status === 200 && r.ms >= DELAY_MS / 2 && r.ms < DELAY_MS);
    ctx.log.observe(`answers between ${DELAY_MS / 2} and ${DELAY_MS} ms`, between.length, { bound: `those from ${DELAYED_FROM_MS} ms count as delayed` });
    ctx.log.observe(`of them from ${DELAYED_FROM_MS} ms`, between.filter((r) => r.ms >= DELAYED_FROM_MS).length);
    const median = delayed[Math.floor(delayed.length / 2)];
    ctx.log.observe('median of the delayed requests', median === undefined ? null : Math.round(median), { unit: 'ms', bound: `${DELAY_MS}..${DELAY_MS + SLACK_MS}` });
    judgeShares(ctx, `the ${PERCENT}% delay fault`, outcome);
    ctx.must(
      `the delayed requests' median is under ${DELAY_MS} ms + ${SLACK_MS} ms`, median !== undefined && median < DELAY_MS + SLACK_MS,
      `the delayed requests' median was ${median?.toFixed(0) ?? '-'} ms, not within ${SLACK_MS} ms of the ${DELAY_MS} ms delay`,
    );
  });
});
