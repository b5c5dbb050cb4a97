export const LEVELS = ['MUST', 'SHOULD', 'MAY'] as const;
export type Level = (typeof LEVELS)[number];

export const LAYERS = ['serving', 'mesh', 'eventing', 'inference', 'chaos'] as const;
export type Layer = (typeof LAYERS)[number];

/**
 * `error` is not a judgement of the target: the harness or the target failed to run the check at all
 * (an API call refused, a crash in the harness). It exits 2, as every harness or target error does (docs/ARCHITECTURE.md).
 */
export const VERDICTS = ['pass', 'fail', 'inconclusive', 'not-applicable', 'error'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A requirement as its spec file declares it, beside its body (requirement.ts). */
export interface RequirementDeclaration {
  /** `LAYER.AREA.NAME`, stable across releases: reports, CI and waivers name requirements by it. */
  id: string;
  level: Level;
  layer: Layer;
  title: string;
  /** The upstream clause the requirement checks: document and section. */
  upstream: string;
  /** Where the requirement's bound comes from (target configuration, the resources applied, run config). */
  bound: string;
  /**
   * It sends no load and measures no latency, so sharing the machine cannot change its verdict (e.g.
   * waiting for status): it runs beside anything. A requirement without it runs beside the others too, but
   * holds the target while it loads or measures (`ctx.exclusive`, `ctx.lightLoad`); the runner starts such
   * files early, between the others, so that their set-up overlaps.
   */
  parallel?: boolean;
  /**
   * The reference's mutants this requirement must fail against, as `--mutant` takes them: `NAME`, or
   * `NAME=VALUE` for a defect at a chosen magnitude. At least one; the project's tests run each and check
   * that the requirement fails (e2e/mutants.test.ts).
   */
  mutants: readonly string[];
}

/**
 * One assertion inside a requirement, with its own level as in Knative's reconciler-test features: a MUST
 * that does not hold fails the requirement; a SHOULD or MAY that does not hold is recorded and counted, and
 * the requirement goes on.
 */
export interface Expectation {
  level: Level;
  /** What is expected, said positively ("PORT is set"). */
  claim: string;
  held: boolean;
  /** What was seen instead, when it did not hold. */
  detail?: string | undefined;
}

/** One measured fact behind a verdict. */
export interface Observation {
  name: string;
  value: number | string | boolean | null;
  unit?: string | undefined;
  /** The bound the value was judged against, as the requirement states it (e.g. "<= 60 s"). */
  bound?: string | undefined;
}

export interface Evidence {
  /** Every expectation the body checked, in order, with its level and outcome. */
  expectations: Expectation[];
  observations: Observation[];
  sampleSize?: number | undefined;
  confidence?: number | undefined;
  /** Resources the requirement applied, as `kind/namespace/name`. */
  resources: string[];
  /** Paths of raw output kept in the run's report folder, relative to it. */
  artifacts: string[];
  notes: string[];
}

export interface RequirementResult {
  id: string;
  level: Level;
  layer: Layer;
  title: string;
  upstream: string;
  verdict: Verdict;
  /** One line saying why: the failed expectation, the reason it was inconclusive or not applicable. */
  reason: string;
  evidence: Evidence;
  startedAt: string;
  durationMs: number;
}
