import { peerAuthentication, readMeshCa, requirement, untrustedBehaviours } from '../../../harness/index.ts';
import { inScenario } from '../parts/scenario.ts';
import { PEER_AUTHENTICATION, SECURITY } from '../parts/upstream.ts';
import { checkRejections, inMeshControl } from './attempts.ts';

const ATTEMPTS = 20;

/**
 * A server under STRICT, an in-mesh client (the control) and a client outside the mesh that tries every way in
 * without a mesh identity, straight at the server pod's port, by class: HTTP version, TLS version, ALPN,
 * certificate issuer, validity, SAN, trust domain, key usage (harness/mesh-clients/untrusted-clients.ts).
 * Each attempt is classified by how it ended (harness/mesh-clients/attempts.ts): only a refusal after the
 * sidecar accepted the connection counts; an attempt that never got there makes the verdict inconclusive.
 */
export default requirement({
  id: 'MESH.MTLS.STRICT-REJECTS-PLAINTEXT',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title:
    'A workload under PeerAuthentication STRICT refuses, after accepting the connection, every client without a mesh identity: ' +
    'plaintext of any HTTP version, TLS without a client certificate at any version or ALPN, TLS below 1.2, and certificates wrong in ' +
    'issuer, validity, SAN, trust domain or key usage; while an in-mesh client and a valid mesh certificate are served',
  upstream:
    `${PEER_AUTHENTICATION}: STRICT "Connection is an mTLS tunnel (TLS with client cert must be presented)."; ` +
    `${SECURITY}, "Peer authentication": "STRICT: Workloads only accept mutual TLS traffic."; ` +
    `"Mutual TLS authentication": "Istio configures \`TLSv1_2\` as the minimum TLS version for both client and server"`,
  bound:
    `${ATTEMPTS} attempts per behaviour, each on a fresh connection to the pod's port: all refused after the connection was accepted ` +
    '(TLS alert, close, reset, 401/403); any served or otherwise answered fails; any unreachable or undecided is inconclusive. Controls: ' +
    'the in-mesh client 5 of 5 answered 200; from the same outside client, a valid mesh-CA certificate 5 of 5 served, and plaintext ' +
    'served once the policy is PERMISSIVE (within readyTimeoutSeconds)',
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
    ctx.log.note(meshCa ? 'the mesh CA (istio-system/istio-ca-secret) signs the certificates that are wrong in one thing only, and the control' : 'no readable istio-system/istio-ca-secret: the behaviours that need the mesh CA are left out');
    const set = await untrustedBehaviours({
      spiffeId: `spiffe://cluster.local/ns/${sc.namespace}/sa/default`, dnsName: new URL(sc.url).hostname, ...(meshCa ? { meshCa } : {}),
    });
    for (const o of set.omitted) ctx.log.note(`not tried: ${o.class} / ${o.name} (${o.why})`);
    await checkRejections(ctx, {
      outsider: sc.clients['strict-outsider']!, url: sc.url, podIP: ctx.require(sc.serverPods[0]?.status?.podIP, 'the server pod has no IP'),
      behaviours: set.behaviours, ...(set.trusted ? { trusted: set.trusted } : {}), attempts: ATTEMPTS,
      allowPlaintext: async () => { await ctx.cluster.apply(peerAuthentication(app, app, 'PERMISSIVE')); },
    });
  });
});
