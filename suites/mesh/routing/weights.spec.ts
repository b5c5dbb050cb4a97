import { requirement, virtualService } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { judgeShares, measureShares } from '../parts/shares.ts';
import { VS } from '../parts/upstream.ts';
import { twoVersions, versionOf } from '../parts/versions.ts';

/** 70/30 between two subsets, judged as the serving split is: sequentially, 2 pp, 99%. */
export default requirement({
  id: 'MESH.ROUTE.WEIGHTS',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title: "The observed shares of a VirtualService's weighted destinations match their weights (70/30) within 2 percentage points at 99% confidence",
  upstream:
    `${VS}, HTTPRouteDestination.weight (no normative word: the field's definition): "Weight specifies the relative proportion of traffic to ` +
    'be forwarded to the destination. A destination will receive `weight/(sum of all weights)` requests."',
  bound:
    'each share within 2 pp of its weight at 99% confidence, decided sequentially (harness/stats/split-test.ts; failed requests and ' +
    'requests in flight counted against it): a share off by up to 1 pp fails with <= 1% (measured: 0.13% at most), one off by 3 pp ' +
    'passes with <= 1% (measured power: 99.8%); at most 50,000 requests or 180 s, else inconclusive with the rate achieved',
  mutants: ['mesh-weights-skewed=3'],
}, async (ctx) => {
  const app = 'route-weights';
  const { versions, subsets } = twoVersions(app);
  const vs = virtualService(app, {
    hosts: [app],
    http: [{ route: [{ destination: { host: app, subset: 'v1' }, weight: 70 }, { destination: { host: app, subset: 'v2' }, weight: 30 }] }],
  });
  await inScenario(ctx, { app, versions, policies: [subsets, vs], clients: [{ name: 'route-weights-client', meshed: true }] }, async (sc) => {
    const outcome = await measureShares(ctx, sc.clients['route-weights-client']!, {
      expected: { v1: 0.7, v2: 0.3 }, classify: versionOf, request: { url: sc.url },
      tolerance: 0.02, confidence: 0.99, maxRequests: 50_000, batch: 1000, concurrency: 8,
    });
    judgeShares(ctx, 'the 70/30 VirtualService split', outcome);
  });
});
