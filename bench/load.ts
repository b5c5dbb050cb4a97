/**
 * `npm run bench -- load`: how faithfully Gauntlet's k6 path delivers an arrival rate, and how fast it
 * parses k6's output. Against the probe workload on the reference, direct to its pod, at 500, 1,000 and
 * 2,000 req/s, side by side in one run.
 */
import { readFileSync, statSync } from 'node:fs';
import { probeService, RecordAggregator, runLoad, waitReady } from '../harness/index.ts';
import { findTool } from '../lib/tools/pinned.ts';
import type { BenchContext } from './context.ts';
import { table } from './markdown.ts';

const RATES = [500, 1000, 2000];
const SECONDS = 20;

export async function benchLoad(b: BenchContext): Promise<string> {
  // Straight to the pod, the autoscaler sees no traffic: min-scale keeps the pod.
  await b.cluster.apply(probeService({ name: 'bench-load', annotations: { 'autoscaling.knative.dev/min-scale': '1' } }));
  await waitReady(b.cluster, 'bench-load', 60_000);
  const [pod] = await b.cluster.listPods('serving.knative.dev/service=bench-load');
  const target = `http://${pod!.status!.podIP!}:${pod!.spec!.containers[0]!.ports![0]!.containerPort}/`;
  const rows: (string | number)[][] = [];
  let largest = '';
  for (const rate of RATES) {
    b.progress(`load: ${rate} req/s for ${SECONDS} s, direct to ${target}`);
    const r = await runLoad(
      { name: `bench-${rate}`, url: target, executor: { type: 'constant-arrival-rate', rate, durationSeconds: SECONDS } },
      { outDir: b.outDir },
    );
    const bytes = statSync(r.files.records).size;
    const ok = r.statusCounts['200'] ?? 0;
    rows.push([
      rate, `${ok} / ${r.requests}`, r.achievedRate.toFixed(1), `${((100 * r.achievedRate) / rate).toFixed(2)}%`, r.droppedIterations, r.requests,
      r.latency.p50Ms.toFixed(2), r.latency.p99Ms.toFixed(2), (bytes / Math.max(1, r.requests)).toFixed(1),
    ]);
    largest = r.files.records;
  }
  const lines = readFileSync(largest, 'utf8').split('\n');
  const started = performance.now();
  const a = new RecordAggregator([]);
  for (const line of lines) a.addLine(line);
  const seconds = (performance.now() - started) / 1000;
  a.release();
  return [
    `k6 ${findTool('k6')!.version}, constant-arrival-rate for ${SECONDS} s per rate, default VU sizing (rate/50 pre-allocated, rate/5 max),`,
    'one fresh k6 process per rate, against one probe pod of the reference, direct to the pod (no gateway).',
    '',
    table(['requested req/s', '200s / requests', 'achieved req/s', 'achieved / requested', 'dropped iterations', 'requests', 'p50 ms', 'p99 ms', 'bytes of raw output per request'], rows),
    '',
    `Parsing k6's per-request records into an HDR histogram, counts and a per-second series: ${Math.round(a.requests / seconds).toLocaleString('en')} records/s`,
    `(${a.requests.toLocaleString('en')} records of the ${RATES.at(-1)} req/s run in ${seconds.toFixed(2)} s, one core).`,
  ].join('\n');
}
