import { requirement } from '../../../harness/requirements/requirement.ts';
import { virtualService } from '../../../harness/workloads/istio.ts';
import { inScenario } from '../parts/scenario.ts';
import { expectGatewayTimeouts } from '../parts/slow-upstream.ts';

/** perTryTimeout 200 ms, 2 retries, route timeout 5 s: three tries of 200 ms each, then 504. */
requirement('MESH.RETRY.PER-TRY-TIMEOUT', async (ctx) => {
  const app = 'retry-per-try';
  const vs = virtualService(app, {
    hosts: [app],
    http: [{ timeout: '5s', retries: { attempts: 2, perTryTimeout: '0.2s', retryOn: 'gateway-error,connect-failure,refused-stream' }, route: [{ destination: { host: app } }] }],
  });
  await inScenario(ctx, { app, policies: [vs], clients: [{ name: 'retry-per-try-client', meshed: true }] }, async (sc) => {
    await expectGatewayTimeouts(ctx, sc.clients['retry-per-try-client']!, sc.url, 200, 'per-try timeout 200 ms with 2 retries');
  });
});
