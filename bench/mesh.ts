/**
 * `npm run bench -- mesh`: what the mesh's sidecars cost. The same k6 load on the same probe app, side by side
 * in one run: straight to a pod without a sidecar; through a client sidecar and the server's sidecar in
 * plaintext (PeerAuthentication DISABLE, DestinationRule tls DISABLE); and through both with Istio mTLS
 * (STRICT). k6 stands in for the application of the client pod: it uses the client pod's sidecar as its
 * HTTP proxy, as the pod's application does in the reference.
 */
import { APP_PORT, deployEcho, destinationRule, echoService, peerAuthentication } from '../harness/index.ts';
import type { BenchContext } from './context.ts';
import { table } from './markdown.ts';
import { measurePaths, type LoadPath } from './paths.ts';

const QUICK = process.env.GAUNTLET_BENCH_QUICK === '1';
const PLAN = { rates: QUICK ? [200] : [500, 1000, 2000], seconds: QUICK ? 2 : 8, rounds: QUICK ? 1 : 5, label: 'mesh' };
const OUTBOUND_PORT = 15001;

export async function benchMesh(b: BenchContext): Promise<string> {
  const ns = b.cluster.namespace;
  const opts = { timeoutMs: 60_000 };
  b.progress('mesh: deploying the servers and the client');
  for (const p of [
    peerAuthentication('bench-plain', 'bench-plain', 'DISABLE'),
    destinationRule('bench-plain', { host: 'bench-plain', trafficPolicy: { tls: { mode: 'DISABLE' } } }),
    peerAuthentication('bench-mtls', 'bench-mtls', 'STRICT'),
  ]) await b.cluster.apply(p);
  for (const app of ['bench-direct', 'bench-plain', 'bench-mtls']) await b.cluster.apply(echoService(app));
  const [[direct], , , [client]] = await Promise.all([
    deployEcho(b.cluster, { name: 'bench-direct', meshed: false }, opts),
    deployEcho(b.cluster, { name: 'bench-plain', meshed: true }, opts),
    deployEcho(b.cluster, { name: 'bench-mtls', meshed: true }, opts),
    deployEcho(b.cluster, { name: 'bench-client', meshed: true }, opts),
  ]);
  const proxy = `http://${client!.status!.podIP!}:${OUTBOUND_PORT}`;
  const paths: LoadPath[] = [
    { name: 'direct (no sidecar)', url: `http://${direct!.status!.podIP!}:${APP_PORT}/` },
    { name: 'sidecars, plaintext', url: `http://bench-plain.${ns}.svc.cluster.local/`, proxy },
    { name: 'sidecars, mTLS', url: `http://bench-mtls.${ns}.svc.cluster.local/`, proxy },
  ];
  const results = await measurePaths(b, paths, PLAN);
  const [base] = results;
  const ms = (x: number) => x.toFixed(2);
  return [
    `The same k6 load (constant-arrival-rate, keep-alive, ${PLAN.seconds} s per step) by path; latency at ${PLAN.rates[0]} req/s, the median of ${PLAN.rounds}`,
    `interleaved rounds; sustained = the highest of ${PLAN.rates.join(', ')} req/s served with no error, >= 98% of the rate and <= 1% dropped iterations.`,
    'Envoy 1.40.0 sidecars, one worker thread each (as the reference runs them).',
    '',
    table(['path', 'p50 ms', 'p99 ms', 'p50 / direct', 'p99 / direct', 'sustained req/s'], results.map((p) => [
      p.path, ms(p.p50), ms(p.p99), (p.p50 / base!.p50).toFixed(2), (p.p99 / base!.p99).toFixed(2), p.sustained || `< ${PLAN.rates[0]}`,
    ])),
  ].join('\n');
}
