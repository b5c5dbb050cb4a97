import { globSync } from 'node:fs';
import { join, matchesGlob, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../../lib/errors.ts';
import { Requirement } from '../requirements/requirement.ts';

export interface SpecFile {
  /** Absolute path. */
  path: string;
  /** Suite name: the path under suites/ without `.spec.ts`, e.g. `serving/ready-basic`. */
  suite: string;
  /** The requirements the module exports, each with its declaration and body. */
  requirements: Requirement[];
}

/**
 * Every spec file under `suitesDir` and the requirements it declares, read by importing the module (which
 * only declares outside a run: requirement.ts).
 */
export async function discoverSpecs(suitesDir: string): Promise<SpecFile[]> {
  const files = globSync('**/*.spec.ts', { cwd: suitesDir }).sort();
  return Promise.all(files.map(async (rel) => {
    const path = join(suitesDir, rel);
    const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    const requirements = Object.values(module).filter((v): v is Requirement => v instanceof Requirement);
    if (requirements.length === 0) {
      throw new UserError(`${relative(process.cwd(), path)}: exports no requirement; export what requirement() returns (see the README, "Adding a requirement")`);
    }
    return { path, suite: relative(suitesDir, path).replace(/\.spec\.ts$/, '').replaceAll('\\', '/'), requirements };
  }));
}

/** A suite matches a glob on its name (`serving/*`, `serving/**`, `serving/ready-basic`) or its layer (`serving`). */
export function suiteMatches(suite: string, glob: string): boolean {
  return matchesGlob(suite, glob) || matchesGlob(suite, `${glob.replace(/\/+$/, '')}/**`);
}
