import { outcomes, requirement, virtualService } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { VS } from '../parts/upstream.ts';
import { twoVersions, versionOf } from '../parts/versions.ts';

const REQUESTS = 20;

/** Istio's request-routing task: `user-group: beta` to v2, everyone else to v1. */
export default requirement({
  id: 'MESH.ROUTE.HEADER-MATCH',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title: 'A VirtualService rule matching a request header sends those requests, and only those, to its destination (user-group: beta to v2, the rest to v1)',
  upstream:
    `${VS} (no normative word: the fields' definitions): http "An ordered list of route rules for HTTP traffic." ... "The first rule matching ` +
    'an incoming request is used."; HTTPMatchRequest.headers: "`exact: "value"` for exact string match"; HTTPRouteDestination.weight: "If there ' +
    'is only one destination in a rule, it will receive all traffic."; DestinationRule subsets',
  bound: '20 requests with the header all answered by v2, 20 without all by v1',
  parallel: true,
  mutants: ['ignores-header-match'],
}, async (ctx) => {
  const app = 'route-header';
  const { versions, subsets } = twoVersions(app);
  const vs = virtualService(app, {
    hosts: [app],
    http: [
      { match: [{ headers: { 'user-group': { exact: 'beta' } } }], route: [{ destination: { host: app, subset: 'v2' } }] },
      { route: [{ destination: { host: app, subset: 'v1' } }] },
    ],
  });
  // Both routes must have reached the client's sidecar (subset v2's endpoints come with the beta route's).
  await inScenario(ctx, { app, versions, policies: [subsets, vs], clients: [{ name: 'route-header-client', meshed: true }], routed: [{}, { 'user-group': 'beta' }] }, async (sc) => {
    const client = sc.clients['route-header-client']!;
    const beta = await client.send({ url: sc.url, count: REQUESTS, headers: { 'user-group': 'beta' }, bodies: false }, ctx.signal);
    const others = await client.send({ url: sc.url, count: REQUESTS, bodies: false }, ctx.signal);
    const count = (rs: typeof beta, v: string) => rs.filter((r) => versionOf(r) === v).length;
    ctx.log.sample(2 * REQUESTS);
    ctx.log.observe('user-group: beta answered by v2', count(beta, 'v2'), { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });
    ctx.log.observe('no header answered by v1', count(others, 'v1'), { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });
    const answeredBy = (rs: typeof beta) => JSON.stringify({ v1: count(rs, 'v1'), v2: count(rs, 'v2'), ...outcomes(rs.filter((r) => r.status !== 200)) });
    ctx.must('every request with user-group: beta is answered by v2', count(beta, 'v2') === REQUESTS, `requests with user-group: beta were answered by ${answeredBy(beta)}, not all by v2`);
    ctx.must('every request without the header is answered by v1', count(others, 'v1') === REQUESTS, `requests without the header were answered by ${answeredBy(others)}, not all by v1`);
  });
});
