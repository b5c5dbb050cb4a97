import { requirement, virtualService } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { VS } from '../parts/upstream.ts';
import { expectGatewayTimeouts } from './slow-upstream.ts';

/** perTryTimeout 200 ms, 2 retries, route timeout 5 s: three tries of 200 ms each, then 504. */
export default requirement({
  id: 'MESH.RETRY.PER-TRY-TIMEOUT',
  level: 'MUST',
  layer: 'mesh',
  title: 'A per-try timeout ends each attempt on a slow upstream: with perTryTimeout 200 ms and 2 retries, a 1 s upstream gives 504 well before 1 s',
  upstream: `${VS}, HTTPRetry.perTryTimeout`,
  bound: '10 requests to an upstream answering after 1000 ms: each a 504 in under 1000 ms',
  parallel: true,
  mutants: ['retries-ignored'],
}, async (ctx) => {
  const app = 'retry-per-try';
  const vs = virtualService(app, {
    hosts: [app],
    http: [{ timeout: '5s', retries: { attempts: 2, perTryTimeout: '0.2s', retryOn: 'gateway-error,connect-failure,refused-stream' }, route: [{ destination: { host: app } }] }],
  });
  await inScenario(ctx, { app, policies: [vs], clients: [{ name: 'retry-per-try-client', meshed: true }] }, async (sc) => {
    await expectGatewayTimeouts(ctx, sc.clients['retry-per-try-client']!, sc.url, 200, 'per-try timeout 200 ms with 2 retries');
  });
});
