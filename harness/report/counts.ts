import { LEVELS, PROFILES, type Level, type Profile, type RequirementResult, type Verdict } from '../requirements/types.ts';

export type ExpectationCounts = Record<Level, { held: number; unmet: number }>;
export type ProfileCounts = Record<Verdict, number> & { total: number };
export type VerdictCounts = ProfileCounts & {
  expectations: ExpectationCounts;
  /** The same counts for each profile apart: a conformance result is the `conformance` row alone. */
  profiles: Record<Profile, ProfileCounts>;
};

const zero = (): ProfileCounts => ({ total: 0, pass: 0, fail: 0, waived: 0, inconclusive: 0, 'not-applicable': 0, error: 0 });

export function countVerdicts(results: readonly RequirementResult[]): VerdictCounts {
  const expectations = Object.fromEntries(LEVELS.map((l) => [l, { held: 0, unmet: 0 }])) as ExpectationCounts;
  const profiles = Object.fromEntries(PROFILES.map((p) => [p, zero()])) as Record<Profile, ProfileCounts>;
  const counts: VerdictCounts = { ...zero(), profiles, expectations };
  for (const r of results) {
    counts.total += 1;
    counts[r.verdict] += 1;
    // A result without a known profile is refused by the report's schema; it is not counted here.
    const profile = profiles[r.profile] as ProfileCounts | undefined;
    if (profile) {
      profile.total += 1;
      profile[r.verdict] += 1;
    }
    for (const e of r.evidence.expectations) expectations[e.level][e.held ? 'held' : 'unmet'] += 1;
  }
  return counts;
}
