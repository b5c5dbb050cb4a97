import type { Cluster } from '../harness/index.ts';

export interface BenchContext {
  cluster: Cluster;
  outDir: string;
  progress: (line: string) => void;
}
