import { CONTROL_PORT, httpRequest, outcomes, requirement, virtualService } from '../../../harness/index.ts';
import { WaitTimeout } from '../../../lib/errors.ts';
import { inScenario } from '../parts/scenario.ts';
import { VS } from '../parts/upstream.ts';
import { twoVersions, versionOf } from '../parts/versions.ts';

const REQUESTS = 20;
/** How long the copies may trail the answers. */
const SETTLE_MS = 5000;
/**
 * How long after the route reached the client the mirror's destination may take: the same configuration push
 * carries both on Istio and here, so seconds are generous (and a mutant that never mirrors fails in that time).
 */
const MIRROR_PROPAGATION_MS = 15_000;

/**
 * All traffic routed to v1 and mirrored to v2. v2's own request count (the probe's `requestCount`, read on its
 * control port, which no sidecar captures) must grow by the number of requests sent, though none was answered by v2.
 */
export default requirement({
  id: 'MESH.MIRROR',
  level: 'MUST',
  layer: 'mesh',
  profile: 'conformance',
  title: 'A VirtualService mirror sends copies of the requests (mirrorPercentage 100) to the mirror destination, while the answers come from the route',
  upstream:
    `${VS}, HTTPRoute (no normative word: the fields' definitions; "best effort" makes a copy for every request a SHOULD): mirror "Mirror HTTP ` +
    'traffic to a another destination in addition to forwarding the requests to the intended destination. Mirrored traffic is on a best effort ' +
    'basis where the sidecar/gateway will not wait for the mirrored cluster to respond before returning the response from the original ' +
    'destination."; mirrorPercentage "Percentage of the traffic to be mirrored by the `mirror` field."',
  bound: '20 requests: all answered by v1, and v2 received copies of them (SHOULD: all 20), counted within 5 s',
  parallel: true,
  mutants: ['mirror-ignored'],
}, async (ctx) => {
  const app = 'mirror';
  const { versions, subsets } = twoVersions(app);
  const vs = virtualService(app, {
    hosts: [app],
    http: [{ route: [{ destination: { host: app, subset: 'v1' } }], mirror: { host: app, subset: 'v2' }, mirrorPercentage: { value: 100 } }],
  });
  await inScenario(ctx, { app, versions, policies: [subsets, vs], clients: [{ name: 'mirror-client', meshed: true }] }, async (sc) => {
    const v2 = ctx.require(sc.serverPods.find((p) => p.metadata?.labels?.version === 'v2')?.status?.podIP, 'no v2 pod with an IP');
    const countAtV2 = async () => {
      const res = await httpRequest({ url: `http://${v2}:${CONTROL_PORT}/count`, timeoutMs: 5000, signal: ctx.signal });
      return (JSON.parse(res.body) as { requestCount: number }).requestCount;
    };
    // The mirror's destination reaches the client's sidecar on its own schedule (scenario.ts waits for the route's,
    // v1's): wait until a copy arrives, then until no copy trails (two readings 200 ms apart differ by the reading).
    const client = sc.clients['mirror-client']!;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const gateStarted = Date.now();
    const gateDeadline = gateStarted + MIRROR_PROPAGATION_MS;
    for (let last = await countAtV2(); ; ) {
      await client.send({ url: sc.url, count: 1, bodies: false }, ctx.signal);
      await sleep(200);
      const now = await countAtV2();
      if (now - last > 1) break;
      if (Date.now() > gateDeadline) throw new WaitTimeout(`no mirrored copy reached v2 within ${MIRROR_PROPAGATION_MS / 1000} s of the route to v1 reaching the client`, `v2's request count ${now}`);
      last = now;
    }
    for (let last = await countAtV2(); Date.now() < gateDeadline; ) {
      await sleep(200);
      const now = await countAtV2();
      if (now === last + 1) break;
      last = now;
    }
    ctx.log.note(`mirrored copies reached v2 and settled ${Date.now() - gateStarted} ms after the route to v1 reached the client`);
    const before = await countAtV2();
    const results = (await client.send({ url: sc.url, count: REQUESTS, bodies: false }, ctx.signal));
    // Copies are sent fire-and-forget: they may arrive after the answers. Each reading is a request v2 counts.
    let readings = 1;
    let mirrored: number;
    const deadline = Date.now() + SETTLE_MS;
    do {
      if (readings > 1) await new Promise((r) => setTimeout(r, 200));
      mirrored = (await countAtV2()) - before - readings++;
    } while (mirrored < REQUESTS && Date.now() < deadline);
    const byV1 = results.filter((r) => versionOf(r) === 'v1').length;
    ctx.log.sample(REQUESTS);
    ctx.log.observe('answered by v1', byV1, { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });
    ctx.log.observe('copies received by v2', mirrored, { bound: `${REQUESTS}` });
    ctx.must(`the route to v1 answers all ${REQUESTS} requests`, byV1 === REQUESTS, `the route to v1 answered ${byV1} of ${REQUESTS}: ${JSON.stringify(outcomes(results))}`);
    ctx.must(`v2 receives copies of the ${REQUESTS} requests`, mirrored > 0, `v2 received no copy of ${REQUESTS} requests mirrored at 100%`);
    ctx.should(`v2 receives a copy of each of the ${REQUESTS} requests`, mirrored === REQUESTS, `v2 received ${mirrored} copies of ${REQUESTS} requests mirrored at 100%`);
  });
});
