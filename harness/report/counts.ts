import { LEVELS, type Level, type RequirementResult, type Verdict } from '../requirements/types.ts';

export type ExpectationCounts = Record<Level, { held: number; unmet: number }>;
export type VerdictCounts = Record<Verdict, number> & { total: number; expectations: ExpectationCounts };

export function countVerdicts(results: readonly RequirementResult[]): VerdictCounts {
  const expectations = Object.fromEntries(LEVELS.map((l) => [l, { held: 0, unmet: 0 }])) as ExpectationCounts;
  const counts: VerdictCounts = { total: results.length, pass: 0, fail: 0, inconclusive: 0, 'not-applicable': 0, error: 0, expectations };
  for (const r of results) {
    counts[r.verdict] += 1;
    for (const e of r.evidence.expectations) expectations[e.level][e.held ? 'held' : 'unmet'] += 1;
  }
  return counts;
}
