import { requirement, virtualService } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { judgeShares, measureShares } from '../parts/shares.ts';
import { FAULT } from '../parts/upstream.ts';

const PERCENT = 30;
const STATUS = 418;

/** Abort 30% of requests with 418 (a status nothing else in the path answers). */
export default requirement({
  id: 'MESH.FAULT.ABORT-RATE',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title: 'A VirtualService abort fault answers the configured share of requests (30%) with the configured status (418), the rest reach the service',
  upstream:
    `${FAULT}.Abort (no normative word: the fields' definitions): httpStatus "HTTP status code to use to abort the Http request."; ` +
    'percentage "Percentage of requests to be aborted with the error code provided."',
  bound:
    'observed share of 418s within 3 pp of 30% at 99% confidence, decided sequentially (harness/stats/split-test.ts; failed requests ' +
    'and requests in flight counted against it): off by up to 1.5 pp fails with <= 1% (measured: 0.10% at most), off by 4.5 pp passes ' +
    'with <= 1% (measured power: 99.8%); at most 30,000 requests or 180 s, else inconclusive with the rate achieved',
  mutants: ['fault-rate-off=4.5'],
}, async (ctx) => {
  const app = 'fault-abort';
  const vs = virtualService(app, { hosts: [app], http: [{ fault: { abort: { httpStatus: STATUS, percentage: { value: PERCENT } } }, route: [{ destination: { host: app } }] }] });
  await inScenario(ctx, { app, policies: [vs], clients: [{ name: 'fault-abort-client', meshed: true }] }, async (sc) => {
    const outcome = await measureShares(ctx, sc.clients['fault-abort-client']!, {
      expected: { aborted: PERCENT / 100, served: 1 - PERCENT / 100 },
      classify: (r) => (r.status === STATUS ? 'aborted' : r.status === 200 ? 'served' : undefined),
      request: { url: sc.url }, tolerance: 0.03, confidence: 0.99, maxRequests: 30_000, batch: 1000, concurrency: 8,
    });
    judgeShares(ctx, `the ${PERCENT}% abort fault`, outcome);
  });
});
