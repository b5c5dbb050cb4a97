import { APP_PORT, classifyAttempt, outcomes, peerAuthentication, requirement } from '../../../harness/index.ts';
import { echoOf, headerOf } from '../parts/echo.ts';
import { inScenario } from '../parts/scenario.ts';
import { PEER_AUTHENTICATION, SECURITY } from '../parts/upstream.ts';

const REQUESTS = 10;

/** A server under PERMISSIVE: the in-mesh client comes over mTLS (its identity forwarded), the other in plaintext. */
export default requirement({
  id: 'MESH.MTLS.PERMISSIVE-ACCEPTS-BOTH',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title: 'A workload under PeerAuthentication PERMISSIVE serves both an in-mesh client (over mTLS, with its identity) and a plaintext client outside the mesh',
  upstream:
    `${PEER_AUTHENTICATION} (no normative word: the mode's definition): PERMISSIVE "Connection can be either plaintext or mTLS tunnel."; ` +
    `${SECURITY}, "Peer authentication": "PERMISSIVE: Workloads accept both mutual TLS and plain text traffic."`,
  bound: '10 of 10 requests answered 200 from each client; the in-mesh ones carry x-forwarded-client-cert, the plaintext ones do not',
  parallel: true,
  mutants: ['permissive-as-strict'],
}, async (ctx) => {
  const app = 'permissive-server';
  await inScenario(ctx, {
    app,
    policies: [peerAuthentication(app, app, 'PERMISSIVE')],
    clients: [{ name: 'permissive-insider', meshed: true }, { name: 'permissive-outsider', meshed: false }],
  }, async (sc) => {
    const podIP = ctx.require(sc.serverPods[0]?.status?.podIP, 'the server pod has no IP');
    const inside = await sc.clients['permissive-insider']!.send({ url: sc.url, count: REQUESTS }, ctx.signal);
    const outside = await sc.clients['permissive-outsider']!.send({ url: sc.url, connectTo: `${podIP}:${APP_PORT}`, count: REQUESTS, proxy: 'none' }, ctx.signal);
    const withIdentity = (rs: typeof inside) => rs.filter((r) => { const e = echoOf(r); return e !== undefined && headerOf(e, 'x-forwarded-client-cert') !== undefined; }).length;
    ctx.log.sample(2 * REQUESTS);
    ctx.log.observe('in-mesh client: answered 200', inside.filter((r) => r.status === 200).length, { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });
    ctx.log.observe('in-mesh client: with x-forwarded-client-cert', withIdentity(inside), { bound: `${REQUESTS}` });
    ctx.log.observe('plaintext client: answered 200', outside.filter((r) => r.status === 200).length, { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });
    ctx.log.observe('plaintext client: with x-forwarded-client-cert', withIdentity(outside), { bound: '0' });
    ctx.must('every request of the in-mesh client is answered 200', inside.every((r) => r.status === 200), `the in-mesh client got ${JSON.stringify(outcomes(inside))}`);
    ctx.must(
      "every in-mesh request arrives over mTLS with the caller's identity (x-forwarded-client-cert)", withIdentity(inside) === REQUESTS,
      `only ${withIdentity(inside)} of ${REQUESTS} in-mesh requests arrived over mTLS with the caller's identity`,
    );
    // A plaintext client that never reached the pod's port (connection refused, no route, timed out) proves nothing of the policy.
    const unreachable = outside.filter((r) => classifyAttempt(r, false).class === 'unreachable');
    if (unreachable.length > 0 && outside.every((r) => r.status === 200 || unreachable.includes(r))) {
      ctx.inconclusive(`${unreachable.length} of ${REQUESTS} plaintext requests never reached the server pod at ${podIP}:${APP_PORT} (${JSON.stringify(outcomes(unreachable))})`);
    }
    ctx.must(
      'every request of the plaintext client outside the mesh is answered 200', outside.every((r) => r.status === 200),
      `the plaintext client outside the mesh got ${JSON.stringify(outcomes(outside))} from a PERMISSIVE workload`,
    );
    ctx.must(
      'no plaintext request arrives with an x-forwarded-client-cert', withIdentity(outside) === 0,
      'plaintext requests arrived with an x-forwarded-client-cert: an identity the caller never proved',
    );
  });
});
