/** What the probe workload answers (fixtures/workloads/probe). */
export interface ProbeAnswer {
  service?: string;
  configuration?: string;
  revision?: string;
  pod?: string;
  env: Record<string, string | undefined>;
  headers: Record<string, string | string[]>;
}
