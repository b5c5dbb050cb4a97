import { authorizationPolicy, principal, requirement } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { AUTHZ } from '../parts/upstream.ts';
import { expectDecision, REQUESTS } from './checks.ts';

/** ALLOW GET from one service account: that principal's GET passes; its POST and another principal's GET do not. */
export default requirement({
  id: 'MESH.AUTHZ.ALLOW',
  level: 'MUST',
  layer: 'mesh',
  title:
    'An ALLOW AuthorizationPolicy admits exactly what its rules match: the named principal with the named method gets through, ' +
    'another method or another principal gets 403 "RBAC: access denied"',
  upstream: `${AUTHZ}: "If there are any ALLOW policies for the workload, allow the request if any of the ALLOW policies match the request", otherwise deny; source.principals, operation.methods`,
  bound: '10 requests per case: all 200 for the allowed principal and method, all 403 with "RBAC: access denied" otherwise',
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
    ctx.log.sample(3 * REQUESTS);
    await expectDecision(ctx, sc.clients['authz-allowed']!, 'the allowed principal, GET', { url: sc.url }, true);
    await expectDecision(ctx, sc.clients['authz-allowed']!, 'the allowed principal, POST', { url: sc.url, method: 'POST' }, false);
    await expectDecision(ctx, sc.clients['authz-other']!, 'another principal, GET', { url: sc.url }, false);
  });
});
