import { requirement } from '../../../harness/requirements/requirement.ts';
import { virtualService } from '../../../harness/workloads/istio.ts';
import { inScenario } from '../parts/scenario.ts';
import { judgeShares, measureShares } from '../parts/shares.ts';

const PERCENT = 30;
const STATUS = 418;

/** Abort 30% of requests with 418 (a status nothing else in the path answers). */
requirement('MESH.FAULT.ABORT-RATE', async (ctx) => {
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
