import { z } from 'zod';
import { LAYERS, LEVELS, PROFILES, VERDICTS } from '../requirements/types.ts';
import type { AppliedWaiver, Evidence, Expectation, Observation, RequirementResult } from '../requirements/types.ts';
import { countVerdicts } from './counts.ts';
import type { VerdictCounts } from './counts.ts';
import { EXIT_CODES, exitCodeFor } from './exit-code.ts';

const isoTime = z.iso.datetime({ offset: true });
const durationMs = z.number().nonnegative();

export const ObservationSchema = z.strictObject({
  name: z.string().min(1),
  value: z.union([z.number(), z.string(), z.boolean(), z.null()]),
  unit: z.string().optional(),
  bound: z.string().optional().describe('The bound the value was judged against, e.g. "<= 60 s".'),
});

export const ExpectationSchema = z.strictObject({
  level: z.enum(LEVELS),
  claim: z.string().min(1).describe('What was expected, said positively.'),
  held: z.boolean(),
  detail: z.string().optional().describe('What was seen instead, when it did not hold.'),
});

export const EvidenceSchema = z.strictObject({
  expectations: z.array(ExpectationSchema).describe('Every expectation the requirement checked, with its own level and outcome.'),
  observations: z.array(ObservationSchema),
  sampleSize: z.int().nonnegative().optional(),
  confidence: z.number().min(0).max(1).optional(),
  resources: z.array(z.string()).describe('Resources the requirement applied, as kind/namespace/name.'),
  artifacts: z.array(z.string()).describe("Raw output kept in the run's report folder, relative to it."),
  notes: z.array(z.string()),
});

const date = z.iso.date();

export const AppliedWaiverSchema = z.strictObject({
  requirement: z.string().min(1).describe('The requirement id or glob the waiver names.'),
  expectation: z.string().min(1).optional().describe('The claim of the one MUST expectation it waives; absent: the whole requirement.'),
  reason: z.string().min(1).describe('Why the platform deviates, in the waiver\'s words.'),
  expires: date.describe('The last day (UTC) the waiver applies.'),
  source: z.string().min(1).describe('Where it was declared: file and entry.'),
});

export const RequirementResultSchema = z.strictObject({
  id: z.string().min(1),
  level: z.enum(LEVELS),
  layer: z.enum(LAYERS),
  profile: z.enum(PROFILES).describe('conformance: an upstream normative clause; operational: documented behaviour judged against bounds from the target\'s configuration.'),
  title: z.string(),
  upstream: z.string(),
  verdict: z.enum(VERDICTS).describe('waived: a fail that a waiver declares as a known deviation; it never changes the exit code.'),
  reason: z.string().describe('Why: for a waived result, the failure\'s own reason (the waiver\'s is in waiver.reason).'),
  waiver: AppliedWaiverSchema.optional().describe('The waiver that applied; present exactly when the verdict is waived.'),
  evidence: EvidenceSchema,
  startedAt: isoTime,
  durationMs,
});

const count = z.int().nonnegative();
const verdictCounts = { total: count, pass: count, fail: count, waived: count, inconclusive: count, 'not-applicable': count, error: count };
export const ProfileCountsSchema = z.strictObject(verdictCounts);
export const SummarySchema = z.strictObject({
  ...verdictCounts,
  profiles: z
    .strictObject({ conformance: ProfileCountsSchema, operational: ProfileCountsSchema })
    .describe('The verdicts of each profile apart: a conformance result is the conformance row alone.'),
  expectations: z
    .strictObject({ MUST: z.strictObject({ held: count, unmet: count }), SHOULD: z.strictObject({ held: count, unmet: count }), MAY: z.strictObject({ held: count, unmet: count }) })
    .describe('Expectations inside the requirements by level: an unmet SHOULD or MAY never changes the exit code.'),
});

export const TargetSchema = z.strictObject({
  kind: z.enum(['reference', 'kind', 'kubeconfig']),
  context: z.string().optional(),
  server: z.string().optional(),
  versions: z.record(z.string(), z.string()).describe('Component versions, e.g. kubernetes, knative-serving.'),
  facts: z.record(z.string(), z.unknown()).describe("What each layer read of the target, keyed layer/name (e.g. serving/config-autoscaler)."),
});

export const SelectionSchema = z.strictObject({
  suites: z.array(z.string()),
  requirements: z.array(z.string()),
  level: z.enum(LEVELS).nullable(),
  profile: z.enum(PROFILES).nullable().describe('null: both profiles.'),
  mutant: z.string().nullable(),
});

export const WAIVER_STATUSES = ['applied', 'unused', 'expired', 'not-run'] as const;
export const WaiverOutcomeSchema = z.strictObject({
  requirement: z.string().min(1),
  expectation: z.string().min(1).optional(),
  reason: z.string().min(1),
  expires: date,
  source: z.string().min(1),
  status: z
    .enum(WAIVER_STATUSES)
    .describe('applied: it waived the failures in `waived`; unused: what it names ran and nothing it covers failed (a warning); expired: past its date, it applied to nothing (a warning); not-run: nothing it names was selected.'),
  waived: z.array(z.string()).describe('The ids of the requirements whose failure it turned into waived.'),
});

export const RunReportSchema = z
  .strictObject({
    schemaVersion: z.literal(3),
    // The run id names the report folder, reports/<run-id>/.
    runId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
    gauntletVersion: z.string().min(1),
    target: TargetSchema,
    selection: SelectionSchema,
    startedAt: isoTime,
    endedAt: isoTime,
    durationMs,
    exitCode: z
      .literal(EXIT_CODES)
      .describe('0 every MUST passed or was waived, 1 a MUST failed, 2 harness or target error, 3 a MUST inconclusive.'),
    summary: SummarySchema,
    requirements: z.array(RequirementResultSchema),
    waivers: z.array(WaiverOutcomeSchema).describe("Every waiver the run was given, with what became of it."),
    warnings: z.array(z.string()).describe('What the run warns of without failing: expired and unused waivers.'),
    errors: z.array(z.string()).describe('Harness or target errors outside any requirement.'),
  })
  // A report that contradicts itself is a harness bug; these checks are not expressible in the JSON Schema.
  .superRefine((report, ctx) => {
    const expected = countVerdicts(report.requirements);
    for (const key of Object.keys(expected) as (keyof VerdictCounts)[]) {
      if (JSON.stringify(report.summary[key]) !== JSON.stringify(expected[key])) {
        ctx.addIssue({ code: 'custom', path: ['summary', key], message: `expected ${JSON.stringify(expected[key])}, got ${JSON.stringify(report.summary[key])}` });
      }
    }
    const exitCode = exitCodeFor(report.requirements, report.errors);
    if (report.exitCode !== exitCode) {
      ctx.addIssue({ code: 'custom', path: ['exitCode'], message: `expected ${exitCode}, got ${report.exitCode}` });
    }
    const seen = new Set<string>();
    report.requirements.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['requirements', i, 'id'], message: `duplicate id ${r.id}` });
      seen.add(r.id);
      if ((r.verdict === 'waived') !== (r.waiver !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['requirements', i, 'waiver'], message: `a waiver goes with the verdict waived, and only with it (verdict ${r.verdict})` });
      }
    });
  });

export type RunReport = z.infer<typeof RunReportSchema>;
export type WaiverOutcome = z.infer<typeof WaiverOutcomeSchema>;

// Compile-time checks: the schemas and the types in types.ts must not drift apart.
type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _expectation: MutuallyAssignable<z.infer<typeof ExpectationSchema>, Expectation> = true;
const _observation: MutuallyAssignable<z.infer<typeof ObservationSchema>, Observation> = true;
const _evidence: MutuallyAssignable<z.infer<typeof EvidenceSchema>, Evidence> = true;
const _result: MutuallyAssignable<z.infer<typeof RequirementResultSchema>, RequirementResult> = true;
const _waiver: MutuallyAssignable<z.infer<typeof AppliedWaiverSchema>, AppliedWaiver> = true;
const _summary: MutuallyAssignable<z.infer<typeof SummarySchema>, VerdictCounts> = true;
