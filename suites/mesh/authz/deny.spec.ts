import { authorizationPolicy, principal, requirement } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { AUTHZ } from '../parts/upstream.ts';
import { expectDecision, REQUESTS } from './checks.ts';

/** An ALLOW for the client on everything and a DENY on /admin*: DENY wins on /admin, the rest passes. */
export default requirement({
  id: 'MESH.AUTHZ.DENY',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title: 'A DENY AuthorizationPolicy refuses what it matches even where an ALLOW policy matches too, and only that',
  upstream:
    `${AUTHZ} (no normative word: the evaluation the reference defines): "the CUSTOM action is evaluated first, then the DENY action, and ` +
    'finally the ALLOW action." ... "2. If there are any DENY policies that match the request, deny the request."; Rule: "Prefix match: `abc*` ' +
    'will match on value `abc` and `abcd`."',
  bound: '10 requests per path: the denied path none served and none counted by the workload (SHOULD: 403 "RBAC: access denied"), another path all 200',
  parallel: true,
  mutants: ['authz-ignored'],
}, async (ctx) => {
  const app = 'authz-deny-server';
  const ns = ctx.cluster.namespace;
  await inScenario(ctx, {
    app,
    policies: [
      authorizationPolicy(`${app}-allow`, app, 'ALLOW', [{ from: [{ source: { principals: [principal(ns, 'authz-deny-client')] } }] }]),
      authorizationPolicy(`${app}-deny`, app, 'DENY', [{ to: [{ operation: { paths: ['/admin*'] } }] }]),
    ],
    clients: [{ name: 'authz-deny-client', meshed: true, serviceAccount: 'authz-deny-client' }],
  }, async (sc) => {
    const client = sc.clients['authz-deny-client']!;
    const server = ctx.require(sc.serverPods[0], 'no server pod');
    ctx.log.sample(2 * REQUESTS);
    await expectDecision(ctx, client, server, 'a denied path (/admin/users)', { url: new URL('/admin/users', sc.url).href }, false);
    await expectDecision(ctx, client, server, 'another path (/public)', { url: new URL('/public', sc.url).href }, true);
  });
});
