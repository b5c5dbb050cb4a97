/**
 * `npm run bench -- serving`: the reference's serving data plane, measured side by side in one run.
 * (a) cold start from zero to the first response, over many trials, with its phases as a watcher sees them, with the
 *     kubelet's warm runtimes and without;
 * (b) the same k6 load straight to a pod's queue-proxy, through a bare Envoy, through the gateway, and through
 *     the gateway and the activator; (c) the floors: a bare Envoy, and a bare spawn of the probe.
 */
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { Watch } from '@kubernetes/client-node';
import { discoverGateway, httpRequest, probeService, serviceRef, waitReady, type GatewayAddress } from '../harness/index.ts';
import { NODE_COMPILE_CACHE_DIR, WARM_RUNTIME_ANNOTATION } from '../targets/reference/index.ts';
import { requireBinaries } from '../lib/tools/resolve.ts';
import { freePort } from '../lib/net.ts';
import type { BenchContext } from './context.ts';
import { bareSpawnToFirstResponse, startBareEnvoy } from './floors.ts';
import { startRequester, type Requester } from './requester.ts';
import { table } from './markdown.ts';
import { measurePaths, median, type LoadPath, type PathResult } from './paths.ts';

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

/**
 * (a) One cold start, its phases as the API shows them to a watcher, in ms from the moment the request is sent:
 * the Deployment scaled to 1 (the autoscaler, poked by the activator), the pod created (kube-controller-manager),
 * scheduled (bound to the node), given its IP (the kubelet's first status), its containers running, Ready (the
 * kubelet's probes), and the first response (the activator probes the pod itself: it may come before Ready).
 */
interface Phases { scaled: number; created: number; scheduled: number; ip: number; started: number; ready: number; firstByte: number }

const PHASES: [keyof Phases, string][] = [
  ['scaled', 'Deployment scaled to 1'],
  ['created', 'pod created'],
  ['scheduled', 'pod scheduled'],
  ['ip', 'pod IP in its status'],
  ['started', 'containers running'],
  ['ready', 'pod Ready'],
  ['firstByte', 'first response'],
];

/** `warm: false`: the kubelet spawns the pod's containers rather than running them on its warm runtimes. */
async function coldStart(b: BenchContext, requester: Requester, name: string, warm = true): Promise<Phases> {
  await b.cluster.apply(probeService({
    name,
    annotations: {
      'autoscaling.knative.dev/initial-scale': '0', 'autoscaling.knative.dev/min-scale': '0',
      ...(warm ? {} : { [WARM_RUNTIME_ANNOTATION]: 'false' }),
    },
  }));
  const svc = await waitReady(b.cluster, name, 30_000);
  const gateway = await discoverGateway(b.cluster);
  const seen: Partial<Phases> = {};
  let t0 = 0;
  let sawReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (sawReady = r));
  const mark = (k: keyof Phases) => {
    if (t0 > 0) seen[k] ??= performance.now() - t0;
  };
  const selector = { labelSelector: `serving.knative.dev/service=${name}` };
  const pods = await new Watch(b.cluster.kc).watch(`/api/v1/namespaces/${b.cluster.namespace}/pods`, selector, (_phase, pod: V1Pod) => {
    mark('created');
    if (pod.spec?.nodeName) mark('scheduled');
    if (pod.status?.podIP) mark('ip');
    if ((pod.status?.containerStatuses ?? []).length > 0 && pod.status?.containerStatuses?.every((c) => c.state?.running)) mark('started');
    if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) {
      mark('ready');
      if (t0 > 0) sawReady();
    }
  }, () => undefined);
  const deployments = await new Watch(b.cluster.kc).watch(`/apis/apps/v1/namespaces/${b.cluster.namespace}/deployments`, selector, (_phase, d: V1Deployment) => {
    if ((d.spec?.replicas ?? 0) > 0) mark('scaled');
  }, () => undefined);
  try {
    await new Promise((r) => setTimeout(r, 200));
    t0 = performance.now();
    const res = await requester.send({ url: svc.status!.url!, via: gateway, timeoutMs: 30_000 });
    if (res.status !== 200) throw new Error(`cold start ${name}: ${res.error ?? `HTTP ${res.status}`}`);
    seen.firstByte = res.ms;
    // The first response may come before the pod is Ready in the API: wait for it (bounded).
    await Promise.race([ready, new Promise((r) => setTimeout(r, 5000))]);
  } finally {
    pods.abort();
    deployments.abort();
  }
  await b.cluster.delete(serviceRef(name));
  // The next trial starts once this one's pod is gone: its teardown (garbage collection down to the pod, the
  // pod's termination and the status writes of both) would otherwise fall into a later trial's cold start.
  await b.cluster.waitForPods(selector.labelSelector, (left) => left.length === 0, { timeoutMs: 60_000, what: `the pods of ${name} to be gone` });
  return Object.fromEntries(PHASES.map(([k]) => [k, seen[k] ?? NaN])) as unknown as Phases;
}

/**
 * The cold-start section: TRIALS cold starts as the reference runs pods (Node containers on the kubelet's warm
 * runtimes) and TRIALS with warm runtimes off for the pod (spawned, the pod annotation), alternating, the order
 * swapped every trial; each pair followed by the floors (the machine is shared: side by side, not one series
 * after the other): a bare spawn of the probe to its first response as the bench always measured it, and the
 * same with Node's compile cache, which the reference kubelet gives every Node program of a pod. One untimed
 * cold start first, so that the compile cache holds the code of this checkout (a node that has pulled the image).
 */
async function benchColdStart(b: BenchContext): Promise<string[]> {
  b.progress(`serving: ${TRIALS} cold starts with warm runtimes and ${TRIALS} without (and one to warm up)`);
  const gateway = await discoverGateway(b.cluster);
  const floorHost = gateway.host.replace(/\.\d+$/, '.250');
  const requester = startRequester();
  const warm: Phases[] = [];
  const spawned: Phases[] = [];
  const spawns: number[] = [];
  const cached: number[] = [];
  try {
    await coldStart(b, requester, 'cold-warm-up');
    for (let i = 0; i < TRIALS; i++) {
      for (const on of i % 2 === 0 ? [true, false] : [false, true]) {
        if (on) warm.push(await coldStart(b, requester, `cold-${i}`));
        else spawned.push(await coldStart(b, requester, `cold-spawned-${i}`, false));
      }
      spawns.push(await bareSpawnToFirstResponse(floorHost));
      cached.push(await bareSpawnToFirstResponse(floorHost, { NODE_COMPILE_CACHE: NODE_COMPILE_CACHE_DIR }));
    }
  } finally {
    requester.stop();
  }
  const col = (trials: Phases[], k: keyof Phases) => trials.map((t) => t[k]);
  const stats = (xs: number[]) => [ms(pct(xs, 50)), ms(pct(xs, 99)), ms(Math.max(...xs))];
  const row = (label: string, k: keyof Phases) => [label, ...stats(col(warm, k)), ...stats(col(spawned, k))];
  const floor = (label: string, xs: number[]) => [label, ...stats(xs), '', '', ''];
  const first = (trials: Phases[], p: number) => pct(col(trials, 'firstByte'), p);
  const p99 = first(warm, 99);
  return [
    `Cold start from zero (a fresh Knative Service with initial-scale 0, then one request through the gateway), ${TRIALS} trials with the`,
    `kubelet's warm runtimes (Node containers on pre-booted Node processes, as the reference runs pods) and ${TRIALS} with them off for`,
    'the pod (its containers spawned), alternating, one after the other (after one untimed to warm up), each once the',
    'previous one\'s pod is gone.',
    'Phases as a watcher of the Deployment and the pod sees them, from the moment the request is sent (the first response',
    'may come before the pod is Ready: the activator probes the pod itself); the first response as a process that only',
    'sends the request times it (bench/requester.ts); each pair of trials followed by the floors:',
    '',
    table(['phase', 'p50 ms', 'p99 ms', 'max ms', 'spawned: p50 ms', 'p99 ms', 'max ms'], [
      ...PHASES.map(([k, label]) => row(label, k)),
      floor('floor: bare spawn of the probe to its first response', spawns),
      floor('floor: the same with Node\'s compile cache (as the kubelet spawns pods)', cached),
    ]),
    '',
    `First response with warm runtimes / spawned: p50 ${ms(first(warm, 50))} / ${ms(first(spawned, 50))} ms = ${(first(warm, 50) / first(spawned, 50)).toFixed(2)}x,`
      + ` p99 ${ms(p99)} / ${ms(first(spawned, 99))} ms = ${(p99 / first(spawned, 99)).toFixed(2)}x.`,
    `Cold start p99 / bare spawn p50: ${(p99 / pct(spawns, 50)).toFixed(2)}x; with the compile cache: ${(p99 / pct(cached, 50)).toFixed(2)}x (goal <= 2x, p99 <= 150 ms).`,
  ];
}

// (b) The load paths. Every path ends at the same pod (bench-path's queue-proxy) but the activator's, and every
// request carries the same Host header (the Service's), so that only what is in between differs.
const ROUNDS = QUICK ? 1 : 5;
/** Latencies with the resolution the comparison needs: tenths of a millisecond hide a 0.3 ms overhead. */
const ms3 = (x: number) => x.toFixed(3);

interface ServingPath extends LoadPath {
  host: string;
  /** The activator is in the path (or must not be): checked before the path is measured. */
  activator?: boolean;
}

/**
 * Counts Ready -> not Ready transitions of the bench's pods: an overloaded queue-proxy that misses its readiness
 * probe takes its pod out of the gateway's routes, which then go through the activator: not the path named.
 */
async function readinessFlips(b: BenchContext): Promise<{ count: () => number; stop: () => void }> {
  const ready = new Map<string, boolean>();
  let flips = 0;
  const req = await new Watch(b.cluster.kc).watch(`/api/v1/namespaces/${b.cluster.namespace}/pods`, { labelSelector: 'serving.knative.dev/service in (bench-path,bench-activator)' }, (_phase, pod: V1Pod) => {
    const now = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    if (ready.get(pod.metadata!.name!) === true && !now) flips++;
    ready.set(pod.metadata!.name!, now);
  }, () => undefined);
  return { count: () => flips, stop: () => req.abort() };
}

/** Waits until the gateway routes the path as named: through the activator or straight to the pod (K-Proxy-Request, echoed by the probe). */
async function routedAsNamed(gateway: GatewayAddress, p: ServingPath): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await httpRequest({ url: `http://${p.host}/`, via: gateway, timeoutMs: 5000 });
    const proxied = res.status === 200 && (JSON.parse(res.body) as { headers: Record<string, string> }).headers['k-proxy-request'] === 'activator';
    if (res.status === 200 && proxied === (p.activator ?? false)) return;
    if (Date.now() > deadline) throw new Error(`${p.name}: the gateway does not route ${p.host} ${p.activator ? 'through' : 'around'} the activator (HTTP ${res.status})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The load-path section: the paths set up, measured side by side, and the lines that report them. */
async function benchPaths(b: BenchContext, envoy: string): Promise<string[]> {
  b.progress('serving: latency and sustained rate per path');
  const gateway = await discoverGateway(b.cluster);
  // target-burst-capacity 0: the activator leaves the path once the pod is up. With Knative's default (200) and a
  // single pod (capacity 100), the excess burst capacity stays negative and the activator stays in the path for good.
  await b.cluster.apply(probeService({ name: 'bench-path', annotations: { 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '1', 'autoscaling.knative.dev/target-burst-capacity': '0' } }));
  await b.cluster.apply(probeService({ name: 'bench-activator', annotations: { 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '1', 'autoscaling.knative.dev/target-burst-capacity': '-1' } }));
  const direct = await waitReady(b.cluster, 'bench-path', 30_000);
  const viaActivator = await waitReady(b.cluster, 'bench-activator', 30_000);
  const [pod] = await b.cluster.listPods('serving.knative.dev/service=bench-path');
  const podIP = pod!.status!.podIP!;
  const host = new URL(direct.status!.url!).host;
  const bareAt = { host: gateway.host.replace(/\.\d+$/, '.251'), port: await freePort(gateway.host.replace(/\.\d+$/, '.251')) };
  const bare = await startBareEnvoy(envoy, bareAt, { host: podIP, port: 8012 });
  const gw = `http://${gateway.host}:${gateway.port}/`;
  const paths: ServingPath[] = [
    { name: 'pod (queue-proxy)', url: `http://${podIP}:8012/`, host },
    { name: 'bare Envoy', url: `http://${bareAt.host}:${bareAt.port}/`, host },
    { name: 'gateway', url: gw, host, activator: false },
    { name: 'gateway + activator', url: gw, host: new URL(viaActivator.status!.url!).host, activator: true },
  ];
  const notReady = new Map<string, number>();
  let results: PathResult[];
  try {
    for (const p of paths) if (p.activator !== undefined) await routedAsNamed(gateway, p);
    const flips = await readinessFlips(b);
    try {
      results = await measurePaths(b, paths, { rates: RATES, seconds: SECONDS, rounds: ROUNDS, label: 'serving' }, async (p, run) => {
        const before = flips.count();
        const out = await run();
        const n = flips.count() - before;
        notReady.set(p.name, (notReady.get(p.name) ?? 0) + n);
        if (n > 0) b.progress(`serving: ${p.name}: a bench pod went not Ready ${n} time(s) during the load (its traffic went to the activator meanwhile)`);
        return out;
      });
    } finally {
      flips.stop();
    }
  } finally {
    await bare.stop();
  }
  const [pod0, bareEnvoy, gatewayPath] = results as [PathResult, PathResult, PathResult, PathResult];
  // The overhead over the pod, paired: each round's difference, taken within the same minute, then their median.
  const overheads = (p: PathResult) => p.rounds.map((r, i) => r.p50 - pod0.rounds[i]!.p50);
  const overhead = (p: PathResult) => median(overheads(p));
  const flipped = results.filter((p) => (notReady.get(p.path) ?? 0) > 0);
  return [
    `The same k6 load (constant-arrival-rate, keep-alive, ${SECONDS} s per run, the Service's Host header on every path) by path. Latency at ${RATES[0]} req/s:`,
    `${ROUNDS} rounds of every path, the order rotated each round; p50 and p99 are the medians of the rounds. Sustained = the highest of`,
    `${RATES.join(', ')} req/s served with no error, >= 98% of the rate and <= 1% dropped iterations. The gateway path is checked to go`,
    'straight to the pod and the gateway + activator path through the activator before they are measured:',
    '',
    table(['path', 'p50 ms', 'p99 ms', 'p50 overhead over the pod ms', 'p50 / pod', 'p99 / pod', 'sustained req/s'], results.map((p) => [
      p.path, ms3(p.p50), ms3(p.p99), p === pod0 ? '' : ms3(overhead(p)), (p.p50 / pod0.p50).toFixed(2), (p.p99 / pod0.p99).toFixed(2), p.sustained || `< ${RATES[0]}`,
    ])),
    '',
    `p50 overhead over the pod (median of the rounds' paired differences): gateway ${ms3(overhead(gatewayPath))} ms, bare Envoy ${ms3(overhead(bareEnvoy))} ms:`
      + ` ratio ${(overhead(gatewayPath) / overhead(bareEnvoy)).toFixed(2)} (goal <= 1.2). By round: gateway ${overheads(gatewayPath).map(ms3).join(', ')};`
      + ` bare Envoy ${overheads(bareEnvoy).map(ms3).join(', ')}.`,
    ...(flipped.length > 0 ? ['', `A bench pod went not Ready under load (its traffic then went to the activator): ${flipped.map((p) => `${p.path} ${notReady.get(p.path)} time(s)`).join(', ')}.`] : []),
  ];
}

export async function benchServing(b: BenchContext): Promise<string> {
  const { envoy } = await requireBinaries(['envoy']);
  await b.cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-autoscaler', namespace: 'knative-serving' }, data: { 'allow-zero-initial-scale': 'true' } });

  const coldLines = await benchColdStart(b);
  const pathLines = await benchPaths(b, envoy!);
  return [
    ...coldLines,
    '',
    ...pathLines,
  ].join('\n');
}
