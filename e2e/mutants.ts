import { join } from 'node:path';
import { catalogOf, discoverSpecs, type RequirementDeclaration } from '../harness/index.ts';
import { ROOT } from './cli.ts';

/** Every requirement, read from the spec modules as `gauntlet requirements` reads them. */
export const REQUIREMENTS: readonly RequirementDeclaration[] = catalogOf(await discoverSpecs(join(ROOT, 'suites')));

/**
 * Each mutant as the requirements name it (`NAME` or `NAME=VALUE`), with every requirement that must fail
 * against it: one run of the reference per entry, selecting only those requirements.
 */
export function mutantRuns(requirements: readonly RequirementDeclaration[]): { mutant: string; mustFail: string[] }[] {
  const runs = new Map<string, string[]>();
  for (const r of requirements) for (const m of r.mutants) runs.set(m, [...(runs.get(m) ?? []), r.id]);
  return [...runs].map(([mutant, mustFail]) => ({ mutant, mustFail }));
}
