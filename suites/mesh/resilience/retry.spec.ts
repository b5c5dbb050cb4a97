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
  profile: 'conformance',
  title: 'With an upstream failing half of its requests and 2 retries on 5xx, the observed success rate is consistent with 1 - 0.5^3 = 87.5%',
  upstream:
    `${VS}, HTTPRetry (no normative word: the fields' definitions): attempts "Number of retries to be allowed for a given request." ... ` +
    '"The maximum possible number of requests made will be 1 + `attempts`."; retryOn "Specifies the conditions under which retry takes place."',
  bound:
    'observed success share within 3 pp of 87.5% at 99% confidence, decided sequentially (failed requests and requests in flight ' +
    'counted against it): off by up to 1.5 pp fails with <= 1% (measured: 0.07% at most), off by 4.5 pp passes with <= 1% (measured ' +
    'power: 99.9%); at most 30,000 requests or 180 s, else inconclusive with the rate achieved',
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
