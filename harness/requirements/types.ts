export const LEVELS = ['MUST', 'SHOULD', 'MAY'] as const;
export type Level = (typeof LEVELS)[number];

export const LAYERS = ['serving', 'mesh', 'eventing', 'inference', 'chaos'] as const;
export type Layer = (typeof LAYERS)[number];

/**
 * What kind of promise a requirement checks. `conformance`: a normative clause of an upstream specification
 * (Knative's runtime contract, Istio's API reference), so that a conformance result is exactly what upstream
 * specifies. `operational`: behaviour upstream documents but does not specify (autoscaling, cold-start
 * bounds), judged against bounds taken from the target's own configuration; reported apart, never as
 * conformance. `gauntlet run --profile` picks one.
 */
export const PROFILES = ['conformance', 'operational'] as const;
export type Profile = (typeof PROFILES)[number];

/**
 * `error` is not a judgement of the target: the harness or the target failed to run the check at all
 * (an API call refused, a crash in the harness). It exits 2, as every harness or target error does (docs/ARCHITECTURE.md).
 * `waived` is a `fail` the run's waivers declare as a known deviation (`--waivers FILE`): the failure's reason
 * is kept beside the waiver's, and it never changes the exit code. Only the runner gives it, after the run
 * (harness/runner/waivers.ts); a requirement's body never ends as `waived`.
 */
export const VERDICTS = ['pass', 'fail', 'waived', 'inconclusive', 'not-applicable', 'error'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A requirement as its spec file declares it, beside its body (requirement.ts). */
export interface RequirementDeclaration {
  /** `LAYER.AREA.NAME`, stable across releases: reports, CI and waivers name requirements by it. */
  id: string;
  level: Level;
  layer: Layer;
  /**
   * `conformance` when `upstream` quotes a normative clause; `operational` when upstream only documents the
   * behaviour and the bound comes from the target's configuration (see PROFILES).
   */
  profile: Profile;
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

/** The waiver that turned a failure into `waived`, as its file states it (harness/config/waivers.ts). */
export interface AppliedWaiver {
  /** The requirement id or glob the waiver names. */
  requirement: string;
  /** The claim of the MUST expectation it waives, when it waives only that one. */
  expectation?: string | undefined;
  /** Why the platform deviates, in the vendor's words. */
  reason: string;
  /** The last day (UTC, YYYY-MM-DD) the waiver applies. */
  expires: string;
  /** Where the waiver was declared: file and entry, e.g. `waivers.yaml, entry 2`. */
  source: string;
}

export interface RequirementResult {
  id: string;
  level: Level;
  layer: Layer;
  profile: Profile;
  title: string;
  upstream: string;
  verdict: Verdict;
  /**
   * One line saying why: the failed expectation, the reason it was inconclusive or not applicable. For a
   * `waived` result, still the failure's reason; the waiver's is in `waiver`.
   */
  reason: string;
  /** Present exactly when the verdict is `waived`. */
  waiver?: AppliedWaiver | undefined;
  evidence: Evidence;
  startedAt: string;
  durationMs: number;
}
