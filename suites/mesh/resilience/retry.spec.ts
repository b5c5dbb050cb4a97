import { requirement } from '../../../harness/requirements/requirement.ts';
import { virtualService } from '../../../harness/workloads/istio.ts';
import { inScenario } from '../parts/scenario.ts';
import { judgeShares, measureShares } from '../parts/shares.ts';

const FAIL_RATE = 0.5;
const ATTEMPTS = 2;

/** Each attempt fails with probability 0.5 (the probe's fail-rate knob); 2 retries: success 1 - 0.5^3. */
requirement('MESH.RETRY.RECOVERS', async (ctx) => {
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
