import { outcomes } from '../../../harness/mesh-clients/clients.ts';
import { requirement } from '../../../harness/requirements/requirement.ts';
import { virtualService } from '../../../harness/workloads/istio.ts';
import { inScenario } from '../parts/scenario.ts';
import { twoVersions, versionOf } from '../parts/versions.ts';

const REQUESTS = 20;

/** Istio's request-routing task: `user-group: beta` to v2, everyone else to v1. */
requirement('MESH.ROUTE.HEADER-MATCH', async (ctx) => {
  const app = 'route-header';
  const { versions, subsets } = twoVersions(app);
  const vs = virtualService(app, {
    hosts: [app],
    http: [
      { match: [{ headers: { 'user-group': { exact: 'beta' } } }], route: [{ destination: { host: app, subset: 'v2' } }] },
      { route: [{ destination: { host: app, subset: 'v1' } }] },
    ],
  });
  await inScenario(ctx, { app, versions, policies: [subsets, vs], clients: [{ name: 'route-header-client', meshed: true }] }, async (sc) => {
    const client = sc.clients['route-header-client']!;
    const beta = await client.send({ url: sc.url, count: REQUESTS, headers: { 'user-group': 'beta' }, bodies: false }, ctx.signal);
    const others = await client.send({ url: sc.url, count: REQUESTS, bodies: false }, ctx.signal);
    const count = (rs: typeof beta, v: string) => rs.filter((r) => versionOf(r) === v).length;
    ctx.log.sample(2 * REQUESTS);
    ctx.log.observe('user-group: beta answered by v2', count(beta, 'v2'), { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });
    ctx.log.observe('no header answered by v1', count(others, 'v1'), { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });
    const answeredBy = (rs: typeof beta) => JSON.stringify({ v1: count(rs, 'v1'), v2: count(rs, 'v2'), ...outcomes(rs.filter((r) => r.status !== 200)) });
    ctx.expect(count(beta, 'v2') === REQUESTS, `requests with user-group: beta were answered by ${answeredBy(beta)}, not all by v2`);
    ctx.expect(count(others, 'v1') === REQUESTS, `requests without the header were answered by ${answeredBy(others)}, not all by v1`);
  });
});
