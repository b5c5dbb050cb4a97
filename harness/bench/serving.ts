/**
 * `npm run bench -- serving`: the reference's serving data plane, measured side by side in one run.
 * (a) cold start from zero to the first response, over many trials, with its phases as a watcher sees them;
 * (b) the same k6 load straight to a pod's queue-proxy, through a bare Envoy, through the gateway, and through
 *     the gateway and the activator; (c) the floors: a bare Envoy, and a bare spawn of the probe.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { Watch } from '@kubernetes/client-node';
import { runLoad } from '../load/run-k6.ts';
import { discoverGateway } from '../target/gateway.ts';
import { httpRequest } from '../target/http.ts';
import { requireBinaries } from '../tools/resolve.ts';
import { freePort } from '../reference/controlplane/net.ts';
import { probeService, waitReady, serviceRef } from '../../suites/serving/parts/ksvc.ts';
import type { BenchContext } from './context.ts';
import { bareSpawnToFirstResponse, startBareEnvoy } from './floors.ts';
import { table } from './markdown.ts';

// GAUNTLET_BENCH_QUICK=1: a smoke test of the bench itself, not figures to publish.
const QUICK = process.env.GAUNTLET_BENCH_QUICK === '1';
const TRIALS = QUICK ? 3 : 30;
const RATES = QUICK ? [500] : [1000, 2000, 3000];
const SECONDS = QUICK ? 2 : 8;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const ms = (x: number) => x.toFixed(1);

interface Phases { created: number; started: number; ready: number; firstByte: number }

async function coldStart(b: BenchContext, i: number): Promise<Phases> {
  const name = `cold-${i}`;
  await b.cluster.apply(probeService({ name, annotations: { 'autoscaling.knative.dev/initial-scale': '0', 'autoscaling.knative.dev/min-scale': '0' } }));
  const svc = await waitReady(b.cluster, name, 30_000);
  const gateway = await discoverGateway(b.cluster);
  const seen: Partial<Phases> = {};
  let t0 = 0;
  const watch = await new Watch(b.cluster.kc).watch(`/api/v1/namespaces/${b.cluster.namespace}/pods`, { labelSelector: `serving.knative.dev/service=${name}` }, (_phase, pod: V1Pod) => {
    const t = performance.now() - t0;
    seen.created ??= t;
    if (pod.status?.containerStatuses?.every((c) => c.state?.running)) seen.started ??= t;
    if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) seen.ready ??= t;
  }, () => undefined);
  await new Promise((r) => setTimeout(r, 200));
  t0 = performance.now();
  const res = await httpRequest({ url: svc.status!.url!, via: gateway, timeoutMs: 30_000 });
  const firstByte = performance.now() - t0;
  watch.abort();
  if (res.status !== 200) throw new Error(`cold start ${i}: HTTP ${res.status}`);
  await b.cluster.delete(serviceRef(name));
  return { created: seen.created ?? NaN, started: seen.started ?? NaN, ready: seen.ready ?? NaN, firstByte };
}

interface PathResult { path: string; p50: number; p99: number; sustained: number }

async function measurePath(b: BenchContext, path: string, url: string, host?: string): Promise<PathResult> {
  let sustained = 0;
  let p50 = NaN;
  let p99 = NaN;
  for (const rate of RATES) {
    b.progress(`serving: ${path} at ${rate} req/s`);
    const r = await runLoad({ name: `${path.replaceAll(/[^a-z0-9]+/g, '-')}-${rate}`, url, ...(host ? { host } : {}), executor: { type: 'constant-arrival-rate', rate, durationSeconds: SECONDS } }, { outDir: b.outDir });
    const errors = Object.entries(r.statusCounts).filter(([s]) => s !== '200').reduce((n, [, c]) => n + c, 0);
    if (rate === RATES[0]) [p50, p99] = [r.latency.p50Ms, r.latency.p99Ms];
    if (errors > 0 || r.achievedRate < 0.98 * rate || r.droppedIterations > 0.01 * rate * SECONDS) {
      b.progress(`serving: ${path} fell short at ${rate} req/s: ${errors} errors, ${r.achievedRate.toFixed(0)} req/s achieved, ${r.droppedIterations} dropped`);
      break;
    }
    sustained = rate;
  }
  return { path, p50, p99, sustained };
}

export async function benchServing(b: BenchContext): Promise<string> {
  const { envoy } = await requireBinaries(['envoy']);
  await b.cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-autoscaler', namespace: 'knative-serving' }, data: { 'allow-zero-initial-scale': 'true' } });

  b.progress(`serving: ${TRIALS} cold starts`);
  const trials: Phases[] = [];
  for (let i = 0; i < TRIALS; i++) trials.push(await coldStart(b, i));
  const spawns: number[] = [];
  const gateway = await discoverGateway(b.cluster);
  for (let i = 0; i < TRIALS; i++) spawns.push(await bareSpawnToFirstResponse(gateway.host.replace(/\.\d+$/, '.250')));

  b.progress('serving: latency and sustained rate per path');
  await b.cluster.apply(probeService({ name: 'bench-path', annotations: { 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '1' } }));
  await b.cluster.apply(probeService({ name: 'bench-activator', annotations: { 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '1', 'autoscaling.knative.dev/target-burst-capacity': '-1' } }));
  const direct = await waitReady(b.cluster, 'bench-path', 30_000);
  const viaActivator = await waitReady(b.cluster, 'bench-activator', 30_000);
  const [pod] = await b.cluster.listPods('serving.knative.dev/service=bench-path');
  const podIP = pod!.status!.podIP!;
  const bareAt = { host: gateway.host.replace(/\.\d+$/, '.251'), port: await freePort(gateway.host.replace(/\.\d+$/, '.251')) };
  const bare = await startBareEnvoy(envoy!, bareAt, { host: podIP, port: 8012 });
  const gw = `http://${gateway.host}:${gateway.port}/`;
  const paths: PathResult[] = [];
  try {
    paths.push(await measurePath(b, 'pod (queue-proxy)', `http://${podIP}:8012/`));
    paths.push(await measurePath(b, 'bare Envoy', `http://${bareAt.host}:${bareAt.port}/`));
    paths.push(await measurePath(b, 'gateway', gw, new URL(direct.status!.url!).host));
    paths.push(await measurePath(b, 'gateway + activator', gw, new URL(viaActivator.status!.url!).host));
  } finally {
    await bare.stop();
  }
  const [pod0, bareEnvoy, gatewayPath] = paths as [PathResult, PathResult, PathResult, PathResult];
  const overhead = (p: PathResult) => p.p50 - pod0.p50;
  const col = (k: keyof Phases) => trials.map((t) => t[k]);
  return [
    `Cold start from zero (a fresh Knative Service with initial-scale 0, then one request through the gateway), ${TRIALS} trials, one after the other.`,
    'Phases as a watcher of the pods sees them, from the moment the request is sent:',
    '',
    table(['phase', 'p50 ms', 'p99 ms', 'max ms'], [
      ['pod created', ms(pct(col('created'), 50)), ms(pct(col('created'), 99)), ms(Math.max(...col('created')))],
      ['containers running', ms(pct(col('started'), 50)), ms(pct(col('started'), 99)), ms(Math.max(...col('started')))],
      ['pod ready', ms(pct(col('ready'), 50)), ms(pct(col('ready'), 99)), ms(Math.max(...col('ready')))],
      ['first response', ms(pct(col('firstByte'), 50)), ms(pct(col('firstByte'), 99)), ms(Math.max(...col('firstByte')))],
      ['floor: bare spawn of the probe to its first response', ms(pct(spawns, 50)), ms(pct(spawns, 99)), ms(Math.max(...spawns))],
    ]),
    '',
    `Cold start p99 / bare spawn p50: ${(pct(col('firstByte'), 99) / pct(spawns, 50)).toFixed(2)}x (goal <= 2x, p99 <= 150 ms).`,
    '',
    `The same k6 load (constant-arrival-rate, keep-alive, ${SECONDS} s per step) by path; latency at ${RATES[0]} req/s; sustained = the highest of ${RATES.join(', ')} req/s`,
    'served with no error, >= 98% of the rate and <= 1% dropped iterations:',
    '',
    table(['path', 'p50 ms', 'p99 ms', 'p50 / pod', 'p99 / pod', 'sustained req/s'], paths.map((p) => [
      p.path, ms(p.p50), ms(p.p99), (p.p50 / pod0.p50).toFixed(2), (p.p99 / pod0.p99).toFixed(2), p.sustained || `< ${RATES[0]}`,
    ])),
    '',
    `p50 overhead over the pod: gateway ${ms(overhead(gatewayPath))} ms, bare Envoy ${ms(overhead(bareEnvoy))} ms: ratio ${(overhead(gatewayPath) / overhead(bareEnvoy)).toFixed(2)} (goal <= 1.2).`,
  ].join('\n');
}
