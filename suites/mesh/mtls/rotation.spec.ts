import { destinationRule, outcomes, peerAuthentication, requirement } from '../../../harness/index.ts';
import { echoOf, headerOf, parseXfcc } from '../parts/echo.ts';
import { inScenario } from '../parts/scenario.ts';
import { SECURITY } from '../parts/upstream.ts';

const TTL_SECONDS = 10;
const INTERVAL_MS = 250;
const REQUESTS = 120;
const MIN_CERTIFICATES = 3;

/**
 * Client and server get workload certificates that live 10 s (Istio's SECRET_TTL through proxy.istio.io/config);
 * the client calls for 30 s, each request on a new mTLS connection (maxRequestsPerConnection: 1), so every
 * request is a handshake with the certificates of that moment. Every request must succeed, and the server must
 * see the client's certificate change (the Hash field of x-forwarded-client-cert).
 */
export default requirement({
  id: 'MESH.MTLS.ROTATION',
  level: 'MUST',
  layer: 'mesh',
  profile: 'operational',
  title: 'Workload certificates are rotated before they expire, under light load, without a failed request',
  upstream:
    `${SECURITY}, "Identity and certificate management" (behaviour documented, not specified: no normative word, no bound): "Istio agent ` +
    'monitors the expiration of the workload certificate. The above process repeats periodically for certificate and key rotation."; the ' +
    "certificates' lifetime is the target's configuration: istio-agent's SECRET_TTL, set per pod through proxy.istio.io/config proxyMetadata",
  bound: 'SECRET_TTL 10s on client and server, requests every 250 ms for 30 s over new connections (DestinationRule maxRequestsPerConnection 1): no failed request, >= 3 distinct client certificates seen by the server',
  mutants: ['certs-never-rotate'],
}, async (ctx) => {
  const app = 'rotation-server';
  const shortLived = { 'proxy.istio.io/config': JSON.stringify({ proxyMetadata: { SECRET_TTL: `${TTL_SECONDS}s` } }) };
  await inScenario(ctx, {
    app,
    versions: [{ version: 'v1', meshed: true, annotations: shortLived }],
    policies: [
      peerAuthentication(app, app, 'STRICT'),
      destinationRule(app, { host: app, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' }, connectionPool: { http: { maxRequestsPerConnection: 1 } } } }),
    ],
    clients: [{ name: 'rotation-client', meshed: true, annotations: shortLived }],
  }, async (sc) => {
    // A light load judged against the certificates' lifetime: beside other light loads, never beside a timed phase.
    const results = await ctx.lightLoad(() => sc.clients['rotation-client']!.send({ url: sc.url, count: REQUESTS, intervalMs: INTERVAL_MS, timeoutMs: 5000 }, ctx.signal));
    const hashes = new Set(results.map((r) => {
      const e = echoOf(r);
      return parseXfcc(e ? headerOf(e, 'x-forwarded-client-cert') : undefined).at(-1)?.Hash;
    }).filter((h): h is string => h !== undefined));
    const failures = results.map((r, i) => ({ r, i })).filter(({ r }) => r.status !== 200);
    const failed = failures.length;
    for (const { r, i } of failures.slice(0, 3)) ctx.log.note(`request ${i} (at ~${(i * INTERVAL_MS) / 1000} s): ${r.status ?? r.error} ${(r.body ?? '').slice(0, 200)}`);
    ctx.log.sample(REQUESTS);
    ctx.log.observe('failed requests', failed, { bound: '0', unit: `of ${REQUESTS}` });
    ctx.log.observe('distinct client certificates seen by the server', hashes.size, { bound: `>= ${MIN_CERTIFICATES}` });
    ctx.log.note(`SECRET_TTL ${TTL_SECONDS}s; a request every ${INTERVAL_MS} ms for ${(REQUESTS * INTERVAL_MS) / 1000} s; outcomes ${JSON.stringify(outcomes(results))}`);
    ctx.must(
      `no request fails while certificates with a ${TTL_SECONDS} s lifetime age`, failed === 0,
      `${failed} of ${REQUESTS} requests failed while certificates with a ${TTL_SECONDS} s lifetime aged: ${JSON.stringify(outcomes(results))}`,
    );
    ctx.must(
      `the server sees at least ${MIN_CERTIFICATES} distinct client certificates: they are rotated`, hashes.size >= MIN_CERTIFICATES,
      `the server saw ${hashes.size} distinct client certificate(s) over ${(REQUESTS * INTERVAL_MS) / 1000} s of ${TTL_SECONDS} s certificates: they were not rotated`,
    );
  });
});
