import { execa, type ResultPromise } from 'execa';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from '../harness/index.ts';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin', 'gauntlet');

/** Runs the CLI exactly as a user does; never throws on a non-zero exit. */
export function gauntlet(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): ResultPromise<{ reject: false; all: true }> {
  return execa(BIN, args, { reject: false, all: true, cwd: opts.cwd ?? ROOT, env: { CI: 'true', ...opts.env }, timeout: 390_000 });
}

export { tempDir } from '../lib/testing/temp-dir.ts';

/** A config file with short bounds, so that a mutant's failure shows within seconds, not a minute. */
export function fastConfig(dir: string): string {
  const file = join(dir, 'gauntlet.config.ts');
  writeFileSync(file, 'export default { settings: { readyTimeoutSeconds: 40 } };\n');
  return file;
}

/** The single report a run wrote under `reportDir`. */
export function readReport(reportDir: string): { report: RunReport; dir: string } {
  const runs = readdirSync(reportDir);
  if (runs.length !== 1) throw new Error(`expected one run folder in ${reportDir}, found ${runs.join(', ') || 'none'}`);
  const dir = join(reportDir, runs[0]!);
  return { report: JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunReport, dir };
}
