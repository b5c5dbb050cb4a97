/**
 * Named defects the reference can be started with. Each names the requirements that must fail against
 * it: a requirement that no mutant can fail is not done (DESIGN.md, "Mutants").
 */
export interface Mutant {
  name: string;
  description: string;
  /** Requirement ids that must come out `fail` when the reference runs with this mutant. */
  mustFail: string[];
}

export const MUTANTS = [
  {
    name: 'never-ready',
    description: 'Revisions never report Ready=True, though their pods run and answer',
    mustFail: ['SERVING.READY.BASIC'],
  },
  {
    name: 'wrong-revision-env',
    description: 'The user container gets the Configuration\'s name in K_REVISION instead of the Revision\'s',
    mustFail: ['SERVING.READY.BASIC'],
  },
] as const satisfies readonly Mutant[];

export type MutantName = (typeof MUTANTS)[number]['name'];

export function findMutant(name: string): Mutant | undefined {
  return MUTANTS.find((m) => m.name === name);
}

/** The defects active in one reference; controllers ask it, so a clean reference pays one Set lookup. */
export class Defects {
  private readonly active: ReadonlySet<string>;
  constructor(names: readonly string[]) {
    this.active = new Set(names);
  }
  has(name: MutantName): boolean {
    return this.active.has(name);
  }
}
