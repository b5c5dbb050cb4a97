import { destinationRule, outcomes, requirement } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { DR } from '../parts/upstream.ts';

const CONCURRENT = 20;
const UPSTREAM_DELAY_MS = 500;

/** Istio's circuit-breaking task: one connection, one pending request, and more at once than that. */
export default requirement({
  id: 'MESH.CIRCUIT.OVERFLOW',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title: 'Requests beyond a DestinationRule connection pool (1 connection, 1 pending request) are refused at once with 503 and x-envoy-overloaded: true',
  upstream:
    `${DR}, ConnectionPoolSettings (no normative word: the fields' definitions): "Connection pool settings for an upstream host. The settings ` +
    'apply to each individual host in the upstream service."; tcp.maxConnections "Maximum number of HTTP1 /TCP connections to a destination ' +
    'host."; http.http1MaxPendingRequests "Maximum number of requests that will be queued while waiting for a ready connection pool ' +
    'connection."; the 503 with x-envoy-overloaded: true is the overflow answer of Envoy\'s circuit breaking, to which the reference refers',
  bound: '20 concurrent requests to a 500 ms upstream: at least one refused; every request not answered 200 is a 503 with x-envoy-overloaded: true',
  parallel: true,
  mutants: ['no-overflow-limit'],
}, async (ctx) => {
  const app = 'circuit-overflow';
  const dr = destinationRule(app, {
    host: app,
    trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } } },
  });
  await inScenario(ctx, { app, policies: [dr], clients: [{ name: 'circuit-overflow-client', meshed: true }] }, async (sc) => {
    const results = await sc.clients['circuit-overflow-client']!.send({ url: `${sc.url}?delay=${UPSTREAM_DELAY_MS}`, count: CONCURRENT, concurrency: CONCURRENT, timeoutMs: 30_000, bodies: false }, ctx.signal);
    const overflowed = results.filter((r) => r.status === 503 && r.headers?.['x-envoy-overloaded'] === 'true').length;
    const other = results.filter((r) => r.status !== 200 && !(r.status === 503 && r.headers?.['x-envoy-overloaded'] === 'true'));
    ctx.log.sample(CONCURRENT);
    ctx.log.observe('refused with 503 and x-envoy-overloaded: true', overflowed, { bound: '>= 1', unit: `of ${CONCURRENT}` });
    ctx.log.observe('other failures', other.length, { bound: '0' });
    ctx.log.note(`outcomes ${JSON.stringify(outcomes(results))}`);
    ctx.must(
      'at least one request beyond the pool is refused with 503 and x-envoy-overloaded: true', overflowed >= 1,
      `${CONCURRENT} concurrent requests against a pool of 1 connection and 1 pending request: none was refused (${JSON.stringify(outcomes(results))})`,
    );
    ctx.must(
      'every request not answered 200 is an overflow (503, x-envoy-overloaded: true)', other.length === 0,
      `requests failed otherwise than by overflow: ${JSON.stringify(outcomes(other))}`,
    );
  });
});
