import { outcomes, requirement } from '../../../harness/index.ts';
import { echoOf, headerOf, parseXfcc } from '../parts/echo.ts';
import { inScenario } from '../parts/scenario.ts';

const REQUESTS = 10;

/**
 * An in-mesh client under its own service account calls a meshed server; the server must see the caller's
 * SPIFFE id. The trust domain is read from the server's own id (the `By` field), not assumed.
 */
export default requirement({
  id: 'MESH.MTLS.IDENTITY',
  level: 'SHOULD',
  layer: 'mesh',
  profile: 'conformance',
  title: "The workload sees its caller's identity: x-forwarded-client-cert names the calling workload's service account as spiffe://<trust domain>/ns/<namespace>/sa/<name>",
  upstream:
    'Istio API reference, ProxyConfig.ProxyHeaders.forwardedClientCert (a default an operator may change, hence SHOULD; no normative word): ' +
    '"Controls the `X-Forwarded-Client-Cert` header for inbound sidecar requests." ... "By default, `APPEND_FORWARD` will be used."; ' +
    'ForwardClientCertDetails APPEND_FORWARD: "When the client connection is mTLS, append the client certificate information to the ' +
    'request’s XFCC header and forward it. This is the default value for sidecar proxies."; SetCurrentClientCertDetails.uri: "Whether to ' +
    'forward the URI type Subject Alternative Name of the client cert. Defaults to true."',
  bound: 'every one of 10 requests carries the caller\'s SPIFFE id in the URI field of the last x-forwarded-client-cert element',
  parallel: true,
  mutants: ['identity-not-forwarded'],
}, async (ctx) => {
  const serviceAccount = 'identity-caller';
  await inScenario(ctx, { app: 'identity-server', clients: [{ name: 'identity-client', meshed: true, serviceAccount }] }, async (sc) => {
    const results = await sc.clients['identity-client']!.send({ url: sc.url, count: REQUESTS }, ctx.signal);
    ctx.must('every request of the in-mesh client is answered 200', results.every((r) => r.status === 200), `the in-mesh client got ${JSON.stringify(outcomes(results))}`);
    const seen = results.map((r) => {
      const e = echoOf(r);
      return parseXfcc(e ? headerOf(e, 'x-forwarded-client-cert') : undefined).at(-1) ?? {};
    });
    const trustDomain = /^spiffe:\/\/([^/]+)\//.exec(seen.find((x) => x.By)?.By ?? '')?.[1] ?? 'cluster.local';
    const expected = `spiffe://${trustDomain}/ns/${sc.namespace}/sa/${serviceAccount}`;
    const right = seen.filter((x) => x.URI === expected).length;
    ctx.log.sample(REQUESTS);
    ctx.log.observe('requests whose x-forwarded-client-cert names the caller', right, { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });
    ctx.log.observe('identities seen', JSON.stringify([...new Set(seen.map((x) => x.URI ?? '(none)'))]), { bound: expected });
    ctx.must(
      "the server sees the caller's SPIFFE id in every request's x-forwarded-client-cert", right === REQUESTS,
      `the server saw ${JSON.stringify([...new Set(seen.map((x) => x.URI ?? '(no x-forwarded-client-cert)'))])}, not ${expected}, in ${REQUESTS - right} of ${REQUESTS} requests`,
    );
  });
});
