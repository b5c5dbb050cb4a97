import type { RequirementResult, Verdict } from '../requirements/types.ts';

export type VerdictCounts = Record<Verdict, number> & { total: number };

export function countVerdicts(results: readonly RequirementResult[]): VerdictCounts {
  const counts: VerdictCounts = { total: results.length, pass: 0, fail: 0, inconclusive: 0, 'not-applicable': 0, error: 0 };
  for (const r of results) counts[r.verdict] += 1;
  return counts;
}
