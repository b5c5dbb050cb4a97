import type { RequirementResult } from '../requirements/types.ts';

export const EXIT_CODES = [0, 1, 2, 3] as const;
export type ExitCode = (typeof EXIT_CODES)[number];

export const EXIT_CODE_MEANINGS: Record<ExitCode, string> = {
  0: 'every MUST requirement passed',
  1: 'a MUST requirement failed',
  2: 'the harness or target failed to run',
  3: 'a MUST requirement was inconclusive',
};

/**
 * The process exit code of a run (README, "Commands"). A harness or target error outranks any
 * verdict: the run cannot vouch for the target. SHOULD and MAY never change the exit code, nor does a
 * `waived` failure: the vendor declared the deviation, and the report says so (never as a pass). An expired
 * waiver does not apply, so its failure stays a `fail`. Both profiles count: `--profile` narrows the run.
 */
export function exitCodeFor(results: readonly RequirementResult[], errors: readonly string[]): ExitCode {
  if (errors.length > 0 || results.length === 0 || results.some((r) => r.verdict === 'error')) return 2;
  const must = results.filter((r) => r.level === 'MUST');
  if (must.some((r) => r.verdict === 'fail')) return 1;
  if (must.some((r) => r.verdict === 'inconclusive')) return 3;
  return 0;
}
