/**
 * `npm run bench [-- NAME...]`: benchmarks, not tests. Each measures side by side in one run and writes its
 * section of BENCHMARKS.md, with the machine it ran on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchReference } from '../targets/reference/index.ts';
import { Cluster, loadKubeconfig } from '../harness/index.ts';
import { describeMachine } from './machine.ts';
import { writeSection } from './markdown.ts';
import { benchLoad } from './load.ts';
import { benchServing } from './serving.ts';
import { benchSuites } from './suites.ts';
import { benchMesh } from './mesh.ts';
import { benchStats } from './stats.ts';
import type { BenchContext } from './context.ts';

/**
 * `ownReference: false`: the bench starts what it measures itself (the suites bench runs the CLI, which starts
 * references), or needs no target (the stats bench simulates).
 */
const BENCHES: Record<string, { title: string; run: (b: BenchContext) => Promise<string>; ownReference?: false }> = {
  load: { title: 'Load generation: requested vs achieved arrival rate (k6)', run: benchLoad },
  serving: { title: 'Reference serving: cold start, gateway and activator overhead, floors', run: benchServing },
  mesh: { title: 'Mesh: the cost of sidecars, plaintext and mTLS', run: benchMesh },
  suites: { title: 'Suite run time and agreement of consecutive runs', run: benchSuites, ownReference: false },
  stats: { title: 'Statistics: false-fail and power of every proportion check', run: benchStats, ownReference: false },
};

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = names.filter((n) => !BENCHES[n]);
if (unknown.length > 0) {
  console.error(`bench: unknown ${unknown.join(', ')}; benches: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const progress = (line: string) => console.error(`[bench] ${line}`);
const outDir = mkdtempSync(join(tmpdir(), 'gauntlet-bench-'));
const machine = describeMachine();
progress(`machine: ${machine}`);
// The benches on the shared reference first; it is stopped before those that start their own, which it would disturb.
const selected = (names.length > 0 ? names : Object.keys(BENCHES)).sort((a, b) => Number(BENCHES[a]!.ownReference === false) - Number(BENCHES[b]!.ownReference === false));
const needsReference = selected.some((n) => BENCHES[n]!.ownReference !== false);
let ref = needsReference ? await launchReference({ logDir: join(outDir, 'reference-logs'), progress }) : undefined;
try {
  const cluster = ref ? new Cluster(loadKubeconfig(ref.kubeconfig), 'default') : undefined;
  const context: BenchContext = {
    get cluster() {
      if (!cluster) throw new Error('this bench starts its own targets: it has no shared reference');
      return cluster;
    },
    outDir,
    progress,
  };
  for (const name of selected) {
    const bench = BENCHES[name]!;
    if (bench.ownReference === false && ref) {
      await ref.stop();
      ref = undefined;
    }
    const body = await bench.run(context);
    if (process.env.GAUNTLET_BENCH_QUICK === '1') {
      console.log(body);
      continue;
    }
    writeSection(join(import.meta.dirname, '..', 'BENCHMARKS.md'), bench.title, `${new Date().toISOString().slice(0, 10)}, ${machine}.\n\n${body}`);
    progress(`${name}: written to BENCHMARKS.md`);
  }
} finally {
  await ref?.stop();
  rmSync(outDir, { recursive: true, force: true });
}
