import { requirement, virtualService } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { VS } from '../parts/upstream.ts';
import { expectGatewayTimeouts } from './slow-upstream.ts';

const TIMEOUT_MS = 300;

/** A 300 ms route timeout in front of a 1 s upstream. */
export default requirement({
  id: 'MESH.TIMEOUT',
  level: 'MUST',
  layer: 'mesh',
  title: 'A VirtualService route timeout (300 ms) answers a slower upstream with 504 at the timeout',
  upstream: `${VS}, HTTPRoute.timeout`,
  bound: '10 requests to an upstream answering after 1000 ms: each a 504 after at least 300 ms and under 1000 ms',
  parallel: true,
  mutants: ['timeout-ignored'],
}, async (ctx) => {
  const app = 'route-timeout';
  const vs = virtualService(app, { hosts: [app], http: [{ timeout: `${TIMEOUT_MS / 1000}s`, route: [{ destination: { host: app } }] }] });
  await inScenario(ctx, { app, policies: [vs], clients: [{ name: 'route-timeout-client', meshed: true }] }, async (sc) => {
    await expectGatewayTimeouts(ctx, sc.clients['route-timeout-client']!, sc.url, TIMEOUT_MS, `route timeout ${TIMEOUT_MS} ms`);
  });
});
