import { globSync, readFileSync } from 'node:fs';
import { join, matchesGlob, relative } from 'node:path';

export interface SpecFile {
  /** Absolute path. */
  path: string;
  /** Suite name: the path under suites/ without `.spec.ts`, e.g. `serving/ready-basic`. */
  suite: string;
  /** Requirement ids the file implements, read from its `requirement('ID', ...)` calls. */
  implements: string[];
}

const IMPLEMENTS = /\brequirement\(\s*['"]([A-Z0-9.-]+)['"]/g;

export function discoverSpecs(suitesDir: string): SpecFile[] {
  return globSync('**/*.spec.ts', { cwd: suitesDir })
    .sort()
    .map((rel) => {
      const path = join(suitesDir, rel);
      const source = readFileSync(path, 'utf8');
      return {
        path,
        suite: relative(suitesDir, path).replace(/\.spec\.ts$/, '').replaceAll('\\', '/'),
        implements: [...source.matchAll(IMPLEMENTS)].map((m) => m[1]!),
      };
    });
}

/** A suite matches a glob on its name (`serving/*`, `serving/**`, `serving/ready-basic`) or its layer (`serving`). */
export function suiteMatches(suite: string, glob: string): boolean {
  return matchesGlob(suite, glob) || matchesGlob(suite, `${glob.replace(/\/+$/, '')}/**`);
}
