import { authorizationPolicy, principal, requirement } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { AUTHZ } from '../parts/upstream.ts';
import { expectDecision, REQUESTS } from './checks.ts';

/** ALLOW GET from one service account: that principal's GET passes; its POST and another principal's GET do not. */
export default requirement({
  id: 'MESH.AUTHZ.ALLOW',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title:
    'An ALLOW AuthorizationPolicy admits exactly what its rules match: the named principal with the named method gets through, ' +
    'another method or another principal is denied and never reaches the workload',
  upstream:
    `${AUTHZ} (no normative word: the evaluation the reference defines): "3. If there are no ALLOW policies for the workload, allow the request. ` +
    '4. If any of the ALLOW policies match the request, allow the request. 5. Deny the request."; Rule: "A match occurs when at least one source, ' +
    'one operation and all conditions matches the request."; Source.principals: "A list of peer identities derived from the peer certificate."; ' +
    'Operation.methods: "A list of methods as specified in the HTTP request."',
  bound: '10 requests per case: all 200 for the allowed principal and method; otherwise none served and none counted by the workload (SHOULD: 403 "RBAC: access denied")',
  parallel: true,
  mutants: ['authz-ignored'],
}, async (ctx) => {
  const app = 'authz-allow-server';
  const ns = ctx.cluster.namespace;
  await inScenario(ctx, {
    app,
    policies: [authorizationPolicy(app, app, 'ALLOW', [{ from: [{ source: { principals: [principal(ns, 'authz-allowed')] } }], to: [{ operation: { methods: ['GET'] } }] }])],
    clients: [{ name: 'authz-allowed', meshed: true, serviceAccount: 'authz-allowed' }, { name: 'authz-other', meshed: true, serviceAccount: 'authz-other' }],
  }, async (sc) => {
    const server = ctx.require(sc.serverPods[0], 'no server pod');
    ctx.log.sample(3 * REQUESTS);
    await expectDecision(ctx, sc.clients['authz-allowed']!, server, 'the allowed principal, GET', { url: sc.url }, true);
    await expectDecision(ctx, sc.clients['authz-allowed']!, server, 'the allowed principal, POST', { url: sc.url, method: 'POST' }, false);
    await expectDecision(ctx, sc.clients['authz-other']!, server, 'another principal, GET', { url: sc.url }, false);
  });
});
