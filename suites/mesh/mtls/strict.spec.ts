import { peerAuthentication, readMeshCa, requirement, untrustedBehaviours } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { PEER_AUTHENTICATION } from '../parts/upstream.ts';
import { inMeshControl, untrustedAttempts } from './attempts.ts';

const ATTEMPTS = 20;

/**
 * A server under STRICT, an in-mesh client (the control) and a client outside the mesh that tries every way
 * in without a mesh identity, straight at the server pod's port. Not one of them may get an HTTP response.
 */
export default requirement({
  id: 'MESH.MTLS.STRICT-REJECTS-PLAINTEXT',
  level: 'MUST',
  layer: 'mesh',
  title:
    'A workload under PeerAuthentication STRICT answers no client without a mesh identity: plain HTTP, TLS without a client ' +
    'certificate, self-signed, foreign-CA, expired and foreign-trust-domain certificates all get no response, while an in-mesh client is served',
  upstream: `${PEER_AUTHENTICATION}: "STRICT: Connection is an mTLS tunnel (TLS with client cert must be presented)"; Istio security concepts, "Mutual TLS authentication"`,
  bound: 'zero responses out of 20 attempts per client behaviour (fresh connection each); the in-mesh control: 5 of 5 answered 200',
  parallel: true,
  mutants: ['strict-accepts-plaintext', 'foreign-ca-trusted'],
}, async (ctx) => {
  const app = 'strict-server';
  await inScenario(ctx, {
    app,
    policies: [peerAuthentication(app, app, 'STRICT')],
    clients: [{ name: 'strict-insider', meshed: true }, { name: 'strict-outsider', meshed: false }],
  }, async (sc) => {
    await inMeshControl(ctx, sc.clients['strict-insider']!, sc.url, 5);
    const meshCa = await readMeshCa(ctx.cluster);
    ctx.log.note(meshCa ? 'the mesh CA (istio-system/istio-ca-secret) signs the expired and foreign-trust-domain certificates' : 'no readable istio-system/istio-ca-secret: those cases use a foreign CA');
    const behaviours = await untrustedBehaviours({ spiffeId: `spiffe://cluster.local/ns/${sc.namespace}/sa/default`, ...(meshCa ? { meshCa } : {}) });
    const podIP = ctx.require(sc.serverPods[0]?.status?.podIP, 'the server pod has no IP');
    let answered = 0;
    for (const b of behaviours) answered += await untrustedAttempts(ctx, sc.clients['strict-outsider']!, sc.url, podIP, b, ATTEMPTS);
    ctx.log.sample(behaviours.length * ATTEMPTS, 1);
    ctx.log.observe('client behaviours tried', behaviours.length);
    ctx.must(
      'no request without a mesh identity gets a response', answered === 0,
      `${answered} of ${behaviours.length * ATTEMPTS} requests without a mesh identity got a response from a STRICT workload`,
    );
  });
});
