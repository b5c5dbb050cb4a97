import { discoverGateway, gateway, outcomes, peerAuthentication, requirement, virtualService, type ForwardResult } from '../../../harness/index.ts';
import { echoOf, headerOf, parseXfcc } from '../parts/echo.ts';
import { inScenario } from '../parts/scenario.ts';
import { SECURITY } from '../parts/upstream.ts';
import { twoVersions, versionOf } from '../parts/versions.ts';
import { awaitGatewayRoute, ingressWorkload, throughGateway } from './ingress.ts';

const REQUESTS = 20;

/**
 * Istio's ingress task with the request-routing rules: a Gateway selecting the ingress gateway (`istio:
 * ingressgateway`) for the app's host on its HTTP port (read from its Service: 80 on Istio, the reference's own
 * there), a VirtualService bound to it sending `user-group: beta` to v2 and the rest to v1 of a STRICT-mTLS app.
 * Requests come from outside the mesh.
 */
export default requirement({
  id: 'MESH.GATEWAY.ROUTE',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title:
    'A VirtualService bound to a Gateway that selects the ingress gateway routes requests from outside the mesh by its rules ' +
    "(user-group: beta to v2, the rest to v1) to a workload under STRICT mTLS, which sees the ingress gateway's identity",
  upstream:
    'Istio API reference (no normative word: the fields\' definitions; their lowercase "should" says which proxies are meant, not a ' +
    'recommendation), networking.istio.io/v1 Gateway.selector: "One or more labels that indicate a specific set of pods/VMs on which this ' +
    'gateway configuration should be applied."; Server.port: "The Port on which the proxy should listen for incoming connections."; ' +
    'VirtualService.gateways: "The names of gateways and sidecars that should apply these routes."; HTTPMatchRequest.headers; ' +
    `${SECURITY}, "Authentication architecture": "For peer authentication, Istio automatically upgrades all traffic between two PEPs to mutual ` +
    'TLS."; the gateway\'s identity in x-forwarded-client-cert: ProxyConfig\'s default APPEND_FORWARD for sidecars (SHOULD, as MESH.MTLS.IDENTITY)',
  bound:
    "20 requests with the header all answered 200 by v2 and 20 without all 200 by v1, through the ingress gateway Service's http2 port; each carries the " +
    "gateway's SPIFFE id in the last x-forwarded-client-cert element (SHOULD); the host served within readyTimeoutSeconds of the workloads being Ready",
  parallel: true,
  mutants: ['gateway-ignores-virtualservices'],
}, async (ctx) => {
  const app = 'gateway-route';
  const ingress = await discoverGateway(ctx.cluster, ctx.settings.gateway);
  const workload = await ingressWorkload(ctx, ctx.settings.gateway);
  // The namespace keeps runs in different namespaces of one cluster apart: a Gateway host is cluster-wide.
  const host = `${app}.${ctx.cluster.namespace}.example.com`;
  const { versions, subsets } = twoVersions(app);
  const gw = gateway(app, { selector: workload.selector, servers: [{ port: { number: ingress.port, name: 'http2', protocol: 'HTTP' }, hosts: [host] }] });
  const vs = virtualService(app, {
    hosts: [host],
    gateways: [app],
    http: [
      { match: [{ headers: { 'user-group': { exact: 'beta' } } }], route: [{ destination: { host: app, subset: 'v2' } }] },
      { route: [{ destination: { host: app, subset: 'v1' } }] },
    ],
  });
  ctx.log.note(`ingress gateway at ${ingress.host}:${ingress.port} (${ingress.source}); Gateway selector ${JSON.stringify(workload.selector)}, server port ${ingress.port}, host ${host}`);
  const policies = [peerAuthentication(app, app, 'STRICT'), subsets, gw, vs];
  await inScenario(ctx, { app, versions, policies, clients: [] }, async () => {
    const url = `http://${host}/`;
    const beta = { url, count: REQUESTS, headers: { 'user-group': 'beta' } };
    const others = { url, count: REQUESTS };
    await awaitGatewayRoute(ctx, ingress, [beta, others], ctx.settings.readyTimeoutSeconds * 1000);
    const betaResults = await throughGateway(ctx, ingress, beta);
    const otherResults = await throughGateway(ctx, ingress, others);
    const count = (rs: ForwardResult[], v: string) => rs.filter((r) => versionOf(r) === v).length;
    const answeredBy = (rs: ForwardResult[]) => JSON.stringify({ v1: count(rs, 'v1'), v2: count(rs, 'v2'), ...outcomes(rs.filter((r) => r.status !== 200)) });
    ctx.log.sample(2 * REQUESTS);
    ctx.log.observe('user-group: beta answered 200 by v2', count(betaResults, 'v2'), { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });
    ctx.log.observe('no header answered 200 by v1', count(otherResults, 'v1'), { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });

    // The caller the workload saw: the last x-forwarded-client-cert element, written by its sidecar.
    const seen = [...betaResults, ...otherResults].map((r) => {
      const e = echoOf(r);
      return parseXfcc(e ? headerOf(e, 'x-forwarded-client-cert') : undefined).at(-1) ?? {};
    });
    const trustDomain = /^spiffe:\/\/([^/]+)\//.exec(seen.find((x) => x.By)?.By ?? '')?.[1] ?? 'cluster.local';
    const expected = workload.serviceAccounts.map((sa) => `spiffe://${trustDomain}/ns/${workload.namespace}/sa/${sa}`);
    const right = seen.filter((x) => x.URI !== undefined && expected.includes(x.URI)).length;
    ctx.log.note(`the gateway's expected identity: ${expected.join(' or ')} (${workload.source})`);
    ctx.log.observe("requests whose x-forwarded-client-cert names the ingress gateway", right, { bound: `${2 * REQUESTS}`, unit: `of ${2 * REQUESTS}` });
    ctx.log.observe('identities seen', JSON.stringify([...new Set(seen.map((x) => x.URI ?? '(none)'))]), { bound: expected.join(' | ') });

    ctx.must(
      'every request with user-group: beta through the gateway is answered 200 by v2', count(betaResults, 'v2') === REQUESTS,
      `requests with user-group: beta through the gateway were answered by ${answeredBy(betaResults)}, not all 200 by v2`,
    );
    ctx.must(
      'every request without the header through the gateway is answered 200 by v1', count(otherResults, 'v1') === REQUESTS,
      `requests without the header through the gateway were answered by ${answeredBy(otherResults)}, not all 200 by v1`,
    );
    ctx.should(
      "the workload sees the ingress gateway's SPIFFE id in every request's x-forwarded-client-cert", right === 2 * REQUESTS,
      `the workload saw ${JSON.stringify([...new Set(seen.map((x) => x.URI ?? '(no x-forwarded-client-cert)'))])}, not ${expected.join(' or ')}, in ${2 * REQUESTS - right} of ${2 * REQUESTS} requests`,
    );
  });
});
