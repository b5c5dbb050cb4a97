import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toJUnitXml } from './junit.ts';
import { mixedReport } from './testing/sample-report.ts';
import { InvalidReportError, writeReport } from './write.ts';

describe('writeReport', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gauntlet-report-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes results.json (2-space JSON) and junit.xml, and nothing else', async () => {
    const report = mixedReport();
    const runDir = join(dir, 'reports', report.runId);
    const { resultsPath, junitPath } = await writeReport(runDir, report);
    expect(resultsPath).toBe(join(runDir, 'results.json'));
    expect(junitPath).toBe(join(runDir, 'junit.xml'));
    expect(await readFile(resultsPath, 'utf8')).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(await readFile(junitPath, 'utf8')).toBe(toJUnitXml(report));
    expect((await readdir(runDir)).sort()).toEqual(['junit.xml', 'results.json']);
  });

  it('replaces files from an earlier write', async () => {
    const first = mixedReport();
    await writeReport(dir, first);
    const second = { ...first, gauntletVersion: '0.2.0' };
    const { resultsPath } = await writeReport(dir, second);
    expect(JSON.parse(await readFile(resultsPath, 'utf8'))).toMatchObject({ gauntletVersion: '0.2.0' });
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'results.json']);
  });

  it('refuses an invalid report, naming the zod issue path, and writes nothing', async () => {
    const report = mixedReport();
    const bad = { ...report, summary: { ...report.summary, fail: 0 } };
    const error: unknown = await writeReport(dir, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidReportError);
    expect((error as Error).message).toContain('summary.fail: expected 1, got 0');
    expect(await readdir(dir)).toEqual([]);
  });
});
