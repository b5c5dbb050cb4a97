import { matchesGlob } from 'node:path';
import { UserError } from '../../lib/errors.ts';
import { LEVELS, PROFILES, type Level, type Profile, type RequirementDeclaration } from '../requirements/types.ts';
import { suiteMatches, type SpecFile } from './discover.ts';

export interface SelectionInput {
  suites: string[];
  requirements: string[];
  level: Level | undefined;
  /** `conformance` or `operational` alone; undefined: both. */
  profile: Profile | undefined;
}

export interface Selection {
  files: SpecFile[];
  requirements: RequirementDeclaration[];
}

/** `--level SHOULD` selects MUST and SHOULD: a level and every stronger one. */
export function atLeast(level: Level | undefined, of: Level): boolean {
  return level === undefined || LEVELS.indexOf(of) <= LEVELS.indexOf(level);
}

/** Every requirement the spec files declare, in the files' order. */
export function catalogOf(specs: readonly SpecFile[]): RequirementDeclaration[] {
  return specs.flatMap((s) => s.requirements.map((r) => r.declaration));
}

/** Resolves flags to spec files and requirements; anything that selects nothing is a UserError. */
export function select(specs: SpecFile[], input: SelectionInput): Selection {
  const catalog = catalogOf(specs);
  for (const glob of input.suites) {
    if (!specs.some((s) => suiteMatches(s.suite, glob))) {
      throw new UserError(`--suite ${glob}: matches no suite; suites: ${specs.map((s) => s.suite).join(', ')}`);
    }
  }
  for (const pattern of input.requirements) {
    if (!catalog.some((r) => matchesGlob(r.id, pattern))) {
      throw new UserError(`--requirement ${pattern}: no such requirement; see \`gauntlet requirements\` (ids like ${catalog[0]?.id ?? 'SERVING.READY.BASIC'}, or globs like SERVING.*)`);
    }
  }
  const files = specs.filter((s) => input.suites.length === 0 || input.suites.some((g) => suiteMatches(s.suite, g)));
  const implemented = new Set(files.flatMap((f) => f.requirements.map((r) => r.id)));
  const requirements = catalog.filter(
    (r) =>
      implemented.has(r.id) &&
      atLeast(input.level, r.level) &&
      (input.profile === undefined || r.profile === input.profile) &&
      (input.requirements.length === 0 || input.requirements.some((p) => matchesGlob(r.id, p))),
  );
  if (requirements.length === 0) {
    throw new UserError('the selection (--suite, --requirement, --level, --profile) leaves no requirement to run; see `gauntlet requirements`');
  }
  const ids = new Set(requirements.map((r) => r.id));
  return { files: files.filter((f) => f.requirements.some((r) => ids.has(r.id))), requirements };
}

/**
 * Every selected requirement declares its profile (the type says so; a spec module that is not type-checked
 * may not): refused before the target starts, rather than by the report's schema after the run.
 */
export function requireProfiles(requirements: readonly RequirementDeclaration[]): void {
  const without = requirements.filter((r) => !(PROFILES as readonly unknown[]).includes(r.profile));
  if (without.length > 0) {
    throw new UserError(`${without.map((r) => r.id).join(', ')}: declare no profile; each requirement declares \`profile: 'conformance'\` (an upstream normative clause) or \`profile: 'operational'\` (README, "Profiles")`);
  }
}
