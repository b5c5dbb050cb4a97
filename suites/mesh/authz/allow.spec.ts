import { requirement } from '../../../harness/requirements/requirement.ts';
import { authorizationPolicy, principal } from '../../../harness/workloads/istio.ts';
import { inScenario } from '../parts/scenario.ts';
import { expectDecision, REQUESTS } from './checks.ts';

/** ALLOW GET from one service account: that principal's GET passes; its POST and another principal's GET do not. */
requirement('MESH.AUTHZ.ALLOW', async (ctx) => {
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
