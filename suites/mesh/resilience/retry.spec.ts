import { requirement, virtualService } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { judgeShares, measureShares } from '../parts/shares.ts';
import { VS } from '../parts/upstream.ts';

const FAIL_RATE = 0.5;
const ATTEMPTS = 2;

/** Each attempt fails with probability 0.5 (the probe's fail-rate knob); 2 retries: success 1 - 0.5^3. */
export default requirement({
  id: 'MESH.RETRY.RECOVERS',
  level: 'MUST',
  layer: 'mesh',
  title: 'With an upstream failing half of its requests and 2 retries on 5xx, the observed success rate is consistent with 1 - 0.5^3 = 87.5%',
  upstream: `${VS}, HTTPRetry (attempts, retryOn 5xx)`,
  bound: 'observed success share within 3 pp of 87.5% at 99% confidence, decided sequentially, at most 30,000 requests',
  mutants: ['retries-ignored'],
}, async (ctx) => {
  const app = 'retry-recovers';
  const vs = virtualService(app, { hosts: [app], http: [{ retries: { attempts: ATTEMPTS, retryOn: '5xx' }, route: [{ destination: { host: app } }] }] });
  const success = 1 - FAIL_RATE ** (ATTEMPTS + 1);
  await inScenario(ctx, { app, policies: [vs], clients: [{ name: 'retry-recovers-client', meshed: true }] }, async (sc) => {
    const outcome = await measureShares(ctx, sc.clients['retry-recovers-client']!, {
      expected: { succeeded: success, failed: 1 - success },
      classify: (r) => (r.status === 200 ? 'succeeded' : r.status === 500 ? 'failed' : undefined),
      request: { url: `${sc.url}?fail-rate=${FAIL_RATE}` }, tolerance: 0.03, confidence: 0.99, maxRequests: 30_000, batch: 1000, concurrency: 8,
    });
    judgeShares(ctx, `success with ${ATTEMPTS} retries at an upstream failure rate of ${FAIL_RATE}`, outcome);
  });
});
