import { parseMutant, type MutantName } from './offered.ts';

/**
 * The mutants one reference was started with (`--mutant NAME` / `NAME=VALUE`): its components ask it whether a
 * mutant is active (`has`) and at which magnitude (`value`), so a clean reference pays a Map lookup.
 */
export class ActiveMutants {
  private readonly byName = new Map<string, number | undefined>();

  /** From `NAME` / `NAME=VALUE` specs already checked with parseMutant. */
  constructor(specs: readonly string[]) {
    for (const spec of specs) {
      const parsed = parseMutant(spec);
      if ('error' in parsed) throw new Error(parsed.error);
      this.byName.set(parsed.mutant.name, parsed.value ?? parsed.mutant.parameter?.default);
    }
  }

  has(name: MutantName): boolean {
    return this.byName.has(name);
  }

  /** The mutant's parameter (its default unless set), or undefined when the mutant is not active. */
  value(name: MutantName): number | undefined {
    return this.byName.get(name);
  }
}
