/**
 * `npm run bench [-- NAME...]`: benchmarks, not tests. Each measures side by side in one run and writes its
 * section of BENCHMARKS.md, with the machine it ran on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchReference } from '../reference/launch.ts';
import { Cluster } from '../target/cluster.ts';
import { loadKubeconfig } from '../target/connect.ts';
import { describeMachine } from './machine.ts';
import { writeSection } from './markdown.ts';
import { benchLoad } from './load.ts';
import { benchServing } from './serving.ts';
import type { BenchContext } from './context.ts';

const BENCHES: Record<string, { title: string; run: (b: BenchContext) => Promise<string> }> = {
  load: { title: 'Load generation: requested vs achieved arrival rate (k6)', run: benchLoad },
  serving: { title: 'Reference serving: cold start, gateway and activator overhead, floors', run: benchServing },
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
const ref = await launchReference({ logDir: join(outDir, 'reference-logs'), progress });
try {
  const cluster = new Cluster(loadKubeconfig(ref.kubeconfig), 'default');
  for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
    const bench = BENCHES[name]!;
    const body = await bench.run({ cluster, outDir, progress });
    if (process.env.GAUNTLET_BENCH_QUICK === '1') {
      console.log(body);
      continue;
    }
    writeSection(join(import.meta.dirname, '..', '..', 'BENCHMARKS.md'), bench.title, `${new Date().toISOString().slice(0, 10)}, ${machine}.\n\n${body}`);
    progress(`${name}: written to BENCHMARKS.md`);
  }
} finally {
  await ref.stop();
  rmSync(outDir, { recursive: true, force: true });
}
