import { destinationRule, outcomes, requirement } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { DR } from '../parts/upstream.ts';

const REQUESTS = 60;
const CONSECUTIVE = 2;
const MAX_FAILED = 5;

/** Two endpoints, one answering 500 to everything; sequential requests; after 2 of its 500s it must be ejected. */
export default requirement({
  id: 'MESH.CIRCUIT.OUTLIER-EJECTION',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title: 'An endpoint answering 5xx is ejected after consecutive5xxErrors failures: the requests after that reach the healthy endpoint only',
  upstream:
    `${DR}, OutlierDetection (no normative word: the fields' definitions): consecutive5xxErrors "Number of 5xx errors before a host is ejected ` +
    'from the connection pool."; baseEjectionTime "Minimum ejection duration."; maxEjectionPercent "Maximum % of hosts in the load balancing ' +
    'pool for the upstream service that can be ejected."',
  bound: 'consecutive5xxErrors 2, one of two endpoints failing, 60 requests one after another: at most 5 failed, the last 30 all 200',
  parallel: true,
  mutants: ['no-ejection'],
}, async (ctx) => {
  const app = 'outlier';
  const dr = destinationRule(app, {
    host: app,
    trafficPolicy: { outlierDetection: { consecutive5xxErrors: CONSECUTIVE, interval: '1s', baseEjectionTime: '60s', maxEjectionPercent: 100 } },
  });
  await inScenario(ctx, {
    app,
    versions: [{ version: 'healthy', meshed: true }, { version: 'failing', meshed: true, env: { RESPONSE_STATUS: '500' } }],
    policies: [dr],
    clients: [{ name: 'outlier-client', meshed: true }],
  }, async (sc) => {
    const results = await sc.clients['outlier-client']!.send({ url: sc.url, count: REQUESTS, bodies: false }, ctx.signal);
    const failed = results.filter((r) => r.status !== 200).length;
    const lastFailed = results.slice(REQUESTS / 2).filter((r) => r.status !== 200).length;
    ctx.log.sample(REQUESTS);
    ctx.log.observe('failed requests', failed, { bound: `<= ${MAX_FAILED}`, unit: `of ${REQUESTS}` });
    ctx.log.observe('failed among the last half', lastFailed, { bound: '0', unit: `of ${REQUESTS / 2}` });
    ctx.log.note(`answered by: ${JSON.stringify(Object.fromEntries(['healthy', 'failing'].map((v) => [v, results.filter((r) => r.headers?.['x-gauntlet-version'] === v).length])))}; outcomes ${JSON.stringify(outcomes(results))}`);
    ctx.must(
      `at most ${MAX_FAILED} of ${REQUESTS} requests fail: the failing endpoint is ejected`, failed <= MAX_FAILED,
      `${failed} of ${REQUESTS} requests failed: the failing endpoint was not ejected after ${CONSECUTIVE} consecutive 5xx`,
    );
    ctx.must(
      `none of the last ${REQUESTS / 2} requests fails`, lastFailed === 0,
      `${lastFailed} of the last ${REQUESTS / 2} requests failed: the failing endpoint is still in rotation`,
    );
  });
});
