import { peerAuthentication, readMeshCa, requirement, untrustedBehaviours } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { PEER_AUTHENTICATION, SECURITY } from '../parts/upstream.ts';
import { checkRejections, inMeshControl } from './attempts.ts';

const ATTEMPTS = 20;
const FOREIGN = "a certificate from a foreign CA bearing the mesh root's name";

/**
 * Under STRICT, a certificate from another CA (with the subject of the mesh's root) claiming the identity of a
 * real service account of the namespace -- one the mesh serves, as the in-mesh control shows. With the mesh CA
 * readable, the same identity signed by it, from the same client, is the control that shows only the issuer
 * differs.
 */
export default requirement({
  id: 'MESH.MTLS.FOREIGN-CA-REJECTED',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title: 'A client certificate from a CA the mesh does not trust is refused under STRICT after the connection is accepted, even when it claims an identity of the mesh',
  upstream:
    `${SECURITY}, "Istio identity": "At the beginning of a workload-to-workload communication, the two parties must exchange credentials ` +
    `with their identity information for mutual authentication purposes."; ${PEER_AUTHENTICATION}: STRICT "Connection is an mTLS tunnel ` +
    '(TLS with client cert must be presented)."',
  bound:
    `${ATTEMPTS} attempts with a foreign-CA certificate claiming a real service account of the namespace, each on a fresh connection: all ` +
    'refused after the connection was accepted; any served fails, any unreachable or undecided is inconclusive. Controls: the in-mesh client 5 of 5 ' +
    'answered 200; the same identity from the mesh CA 5 of 5 served; plaintext served once the policy is PERMISSIVE (within readyTimeoutSeconds)',
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
    const meshCa = await readMeshCa(ctx.cluster);
    const set = await untrustedBehaviours({ spiffeId, ...(meshCa ? { meshCa } : {}) });
    const foreign = ctx.require(set.behaviours.find((b) => b.name === FOREIGN), 'no foreign-CA behaviour');
    ctx.log.note(`the foreign certificate claims ${spiffeId}, the identity of the in-mesh client that was served`);
    if (!set.trusted) ctx.log.note('no readable istio-system/istio-ca-secret: no control with the same identity from the mesh CA');
    await checkRejections(ctx, {
      outsider: sc.clients['foreign-ca-outsider']!, url: sc.url, podIP: ctx.require(sc.serverPods[0]?.status?.podIP, 'the server pod has no IP'),
      behaviours: [foreign], ...(set.trusted ? { trusted: set.trusted } : {}), attempts: ATTEMPTS,
      allowPlaintext: async () => { await ctx.cluster.apply(peerAuthentication(app, app, 'PERMISSIVE')); },
    });
  });
});
