import type { Cluster } from '../target/cluster.ts';

export interface BenchContext {
  cluster: Cluster;
  outDir: string;
  progress: (line: string) => void;
}
