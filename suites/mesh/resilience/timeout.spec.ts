import { requirement, virtualService } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { VS } from '../parts/upstream.ts';
import { callSlowUpstream, expectEndedInTime, REQUESTS, UPSTREAM_DELAY_MS } from './slow-upstream.ts';

const TIMEOUT_MS = 300;

/** A 300 ms route timeout in front of a 1 s upstream. */
export default requirement({
  id: 'MESH.TIMEOUT',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title: 'A VirtualService route timeout (300 ms) ends requests to a slower upstream at the timeout',
  upstream: `${VS}, HTTPRoute.timeout (no normative word: the field's definition): "Timeout for HTTP requests, default is disabled."`,
  bound: `${REQUESTS} requests at once to an upstream answering after ${UPSTREAM_DELAY_MS} ms: each ends without the upstream's answer after at least ${TIMEOUT_MS} ms and under ${UPSTREAM_DELAY_MS} ms (SHOULD: 504)`,
  mutants: ['timeout-ignored'],
}, async (ctx) => {
  const app = 'route-timeout';
  const vs = virtualService(app, { hosts: [app], http: [{ timeout: `${TIMEOUT_MS / 1000}s`, route: [{ destination: { host: app } }] }] });
  await inScenario(ctx, { app, policies: [vs], clients: [{ name: 'route-timeout-client', meshed: true }] }, async (sc) => {
    const { results } = await callSlowUpstream(ctx, sc.clients['route-timeout-client']!, sc.url);
    expectEndedInTime(ctx, results, TIMEOUT_MS, `route timeout ${TIMEOUT_MS} ms`);
  });
});
