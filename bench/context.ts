import type { Cluster } from '../harness/cluster/cluster.ts';

export interface BenchContext {
  cluster: Cluster;
  outDir: string;
  progress: (line: string) => void;
}
