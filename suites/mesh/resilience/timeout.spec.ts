import { requirement } from '../../../harness/requirements/requirement.ts';
import { virtualService } from '../../../harness/workloads/istio.ts';
import { inScenario } from '../parts/scenario.ts';
import { expectGatewayTimeouts } from '../parts/slow-upstream.ts';

const TIMEOUT_MS = 300;

/** A 300 ms route timeout in front of a 1 s upstream. */
requirement('MESH.TIMEOUT', async (ctx) => {
  const app = 'route-timeout';
  const vs = virtualService(app, { hosts: [app], http: [{ timeout: `${TIMEOUT_MS / 1000}s`, route: [{ destination: { host: app } }] }] });
  await inScenario(ctx, { app, policies: [vs], clients: [{ name: 'route-timeout-client', meshed: true }] }, async (sc) => {
    await expectGatewayTimeouts(ctx, sc.clients['route-timeout-client']!, sc.url, TIMEOUT_MS, `route timeout ${TIMEOUT_MS} ms`);
  });
});
