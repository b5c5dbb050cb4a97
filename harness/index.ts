/**
 * The harness's one public face: what suites and the composition roots (cli/, bench/, e2e/) may import.
 * Suites declare requirements and reach the target through a Cluster (the Kubernetes API) and the ingress
 * gateway; they never import anything of a target's insides (docs/ARCHITECTURE.md).
 */

// Requirements: declaration, body, context, verdicts.
export { requirement, afterFile, type Requirement, type RequirementBody } from './requirements/requirement.ts';
export type { RequirementContext } from './requirements/context.ts';
export type { EvidenceLog } from './requirements/outcome.ts';
export type { RunSettings } from './requirements/run-context.ts';
export * from './requirements/types.ts';
export { defineTargetFacts, type FactValue } from './runner/facts.ts';

// The target through its API and its gateway.
export * from './cluster/cluster.ts';
export * from './cluster/connect.ts';
export * from './cluster/gateway.ts';
export * from './cluster/http.ts';
export * from './cluster/watch-until.ts';

// Workloads the suites deploy, and the mesh's clients inside the cluster.
export * from './workloads/knative-service.ts';
export * from './workloads/istio.ts';
export * from './workloads/mesh.ts';
export * from './mesh-clients/attempts.ts';
export * from './mesh-clients/clients.ts';
export * from './mesh-clients/mesh-ca.ts';
export * from './mesh-clients/untrusted-clients.ts';

// Load (k6) and statistics.
export type { LoadSpec } from './load/spec.ts';
export type { LoadResult } from './load/result.ts';
export { runLoad } from './load/run-k6.ts';
export { RecordAggregator, isError, type RequestRecord } from './load/parse.ts';
export * from './stats/chi-square.ts';
export * from './stats/connection-mix.ts';
export * from './stats/fixed-share.ts';
export * from './stats/percentiles.ts';
export * from './stats/proportion.ts';
export * from './stats/share-judge.ts';
export * from './stats/simulate.ts';
export * from './stats/split-test.ts';

// Runs, configuration and reports: for the composition roots.
export { run, type RunOptions, type RunOutcome, type TargetHandle, type TargetProvider } from './runner/run.ts';
export { DEFAULT_WORKERS } from './runner/run-suites.ts';
export { discoverSpecs, type SpecFile } from './runner/discover.ts';
export { catalogOf } from './runner/select.ts';
export { TARGETS, defineConfig, type TargetKind, type ResolvedConfig } from './config/schema.ts';
export { loadConfig, parseConfig } from './config/load.ts';
export type { Waiver } from './config/waivers.ts';
export { RunReportSchema, type RunReport, type WaiverOutcome } from './report/schema.ts';
export { formatSummary } from './report/summary.ts';
