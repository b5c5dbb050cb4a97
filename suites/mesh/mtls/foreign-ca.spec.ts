import { peerAuthentication, requirement, untrustedBehaviours } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { PEER_AUTHENTICATION } from '../parts/upstream.ts';
import { inMeshControl, untrustedAttempts } from './attempts.ts';

const ATTEMPTS = 20;

/** Under STRICT, a certificate from another CA claiming the identity of a real service account of the namespace. */
export default requirement({
  id: 'MESH.MTLS.FOREIGN-CA-REJECTED',
  level: 'MUST',
  layer: 'mesh',
  title: "A client certificate from a CA the mesh does not trust is refused under STRICT, even when it claims an identity of the mesh",
  upstream: `${PEER_AUTHENTICATION} (STRICT); Istio security concepts, "PKI" (workload certificates signed by the mesh CA)`,
  bound: 'zero responses out of 20 attempts with a foreign-CA certificate claiming a real service account of the namespace',
  parallel: true,
  mutants: ['foreign-ca-trusted'],
}, async (ctx) => {
  const app = 'foreign-ca-server';
  const serviceAccount = 'foreign-ca-insider';
  await inScenario(ctx, {
    app,
    policies: [peerAuthentication(app, app, 'STRICT')],
    clients: [{ name: 'foreign-ca-insider', meshed: true, serviceAccount }, { name: 'foreign-ca-outsider', meshed: false }],
  }, async (sc) => {
    await inMeshControl(ctx, sc.clients['foreign-ca-insider']!, sc.url, 5);
    const spiffeId = `spiffe://cluster.local/ns/${sc.namespace}/sa/${serviceAccount}`;
    const foreign = (await untrustedBehaviours({ spiffeId })).find((b) => b.name === 'a certificate from a foreign CA');
    const podIP = ctx.require(sc.serverPods[0]?.status?.podIP, 'the server pod has no IP');
    const answered = await untrustedAttempts(ctx, sc.clients['foreign-ca-outsider']!, sc.url, podIP, ctx.require(foreign, 'no foreign-CA behaviour'), ATTEMPTS);
    ctx.log.sample(ATTEMPTS);
    ctx.log.note(`the foreign certificate claims ${spiffeId}, the identity of the in-mesh client that was served`);
    ctx.must(
      'no request with a foreign-CA certificate gets a response', answered === 0,
      `${answered} of ${ATTEMPTS} requests with a foreign-CA certificate got a response from a STRICT workload`,
    );
  });
});
