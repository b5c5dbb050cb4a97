import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { toJUnitXml } from './junit.ts';
import { RunReportSchema } from './schema.ts';
import type { RunReport } from './schema.ts';

export class InvalidReportError extends Error {
  override name = 'InvalidReportError';
}

function validate(report: RunReport): RunReport {
  const parsed = RunReportSchema.safeParse(report);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  throw new InvalidReportError(`harness bug: the run report does not match its schema:\n  ${issues.join('\n  ')}`);
}

// A reader (CI, a watcher) never sees a half-written file: write a temp file beside it, flush, rename.
async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const file = await open(tmp, 'wx');
    try {
      await file.writeFile(content, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Validates the report, then writes results.json and junit.xml into `dir` (created if missing). */
export async function writeReport(dir: string, report: RunReport): Promise<{ resultsPath: string; junitPath: string }> {
  const valid = validate(report);
  await mkdir(dir, { recursive: true });
  const resultsPath = join(dir, 'results.json');
  const junitPath = join(dir, 'junit.xml');
  await writeAtomic(resultsPath, `${JSON.stringify(valid, null, 2)}\n`);
  await writeAtomic(junitPath, toJUnitXml(valid));
  return { resultsPath, junitPath };
}
