import { requestsSeen, requirement, virtualService } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { VS } from '../parts/upstream.ts';
import { callSlowUpstream, expectEndedInTime, REQUESTS, UPSTREAM_DELAY_MS } from './slow-upstream.ts';

const PER_TRY_MS = 200;
const RETRIES = 2;
/** How much earlier than the per-try timeout the next attempt may arrive: the attempts' own trips differ by a few ms. */
const GAP_SLACK_MS = 50;

/**
 * perTryTimeout 200 ms, 2 retries, route timeout 5 s, in front of a 1 s upstream. Each request carries its own
 * key, by which the workload counts the attempts that reached it (the probe's /seen): each request must reach
 * it 1 + 2 times, the attempts at least a per-try timeout apart, and end before the upstream's answer.
 */
export default requirement({
  id: 'MESH.RETRY.PER-TRY-TIMEOUT',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title:
    'A per-try timeout ends each attempt on a slow upstream and the next is tried: with perTryTimeout 200 ms and 2 retries, the workload ' +
    'sees each request 3 times, 200 ms apart, and the request ends before the 1 s upstream answers',
  upstream:
    `${VS}, HTTPRetry (no normative word: the fields' definitions): perTryTimeout "Timeout per attempt for a given request, including the ` +
    'initial call and any retries."; attempts "The maximum possible number of requests made will be 1 + `attempts`."',
  bound:
    `${REQUESTS} requests at once to an upstream answering after ${UPSTREAM_DELAY_MS} ms (retryOn gateway-error, route timeout 5 s): the workload sees each ` +
    `exactly ${RETRIES + 1} times (x-gauntlet-key, read from the probe), consecutive attempts >= ${PER_TRY_MS} - ${GAP_SLACK_MS} ms apart; each ends without ` +
    `the upstream's answer in ${(RETRIES + 1) * PER_TRY_MS}..${UPSTREAM_DELAY_MS} ms (all tries timed out; SHOULD: 504)`,
  mutants: ['retries-ignored'],
}, async (ctx) => {
  const app = 'retry-per-try';
  const vs = virtualService(app, {
    hosts: [app],
    http: [{ timeout: '5s', retries: { attempts: RETRIES, perTryTimeout: `${PER_TRY_MS / 1000}s`, retryOn: 'gateway-error,connect-failure,refused-stream' }, route: [{ destination: { host: app } }] }],
  });
  await inScenario(ctx, { app, policies: [vs], clients: [{ name: 'retry-per-try-client', meshed: true }] }, async (sc) => {
    const server = ctx.require(sc.serverPods[0], 'no server pod');
    const { results, keys } = await callSlowUpstream(ctx, sc.clients['retry-per-try-client']!, sc.url);
    const seen = await Promise.all(keys.map((k) => requestsSeen(server, k, ctx.signal)));
    const counts = seen.map((s) => s.count);
    const gaps = seen.flatMap((s) => s.at.slice(1).map((t, i) => t - s.at[i]!));
    const minGap = gaps.length > 0 ? Math.min(...gaps) : undefined;
    const want = RETRIES + 1;
    ctx.log.observe('attempts the workload saw, per request', JSON.stringify(counts), { bound: `${want} each` });
    ctx.log.observe('requests the workload saw exactly 1 + attempts times', counts.filter((n) => n === want).length, { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });
    ctx.log.observe('shortest time between consecutive attempts of a request', minGap ?? null, { unit: 'ms', bound: `>= ${PER_TRY_MS - GAP_SLACK_MS}` });
    ctx.log.note(`arrival gaps (ms): ${JSON.stringify(gaps.sort((a, b) => a - b))}`);
    ctx.must(
      `the workload sees each request ${want} times (the first try and ${RETRIES} retries)`, counts.every((n) => n === want),
      `the workload saw the requests ${JSON.stringify(counts)} times, not ${want} each: the per-try timeout did not end each attempt and retry`,
    );
    ctx.must(
      `consecutive attempts reach the workload at least ${PER_TRY_MS} ms (- ${GAP_SLACK_MS} ms) apart: each ended by the per-try timeout`,
      minGap !== undefined && minGap >= PER_TRY_MS - GAP_SLACK_MS,
      `consecutive attempts arrived as little as ${minGap ?? '-'} ms apart, less than the ${PER_TRY_MS} ms per-try timeout`,
    );
    // Every try timed out: the request ends no sooner than the tries' timeouts together.
    expectEndedInTime(ctx, results, (RETRIES + 1) * PER_TRY_MS, `per-try timeout ${PER_TRY_MS} ms with ${RETRIES} retries`);
  });
});
