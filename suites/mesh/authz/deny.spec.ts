import { requirement } from '../../../harness/requirements/requirement.ts';
import { authorizationPolicy, principal } from '../../../harness/workloads/istio.ts';
import { inScenario } from '../parts/scenario.ts';
import { expectDecision, REQUESTS } from './checks.ts';

/** An ALLOW for the client on everything and a DENY on /admin*: DENY wins on /admin, the rest passes. */
requirement('MESH.AUTHZ.DENY', async (ctx) => {
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
    ctx.log.sample(2 * REQUESTS);
    await expectDecision(ctx, client, 'a denied path (/admin/users)', { url: new URL('/admin/users', sc.url).href }, false);
    await expectDecision(ctx, client, 'another path (/public)', { url: new URL('/public', sc.url).href }, true);
  });
});
