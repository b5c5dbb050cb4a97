import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunReportSchema } from '../harness/index.ts';
import { fastConfig, gauntlet, readReport, tempDir } from './cli.ts';
import { REQUIREMENTS, mutantRuns } from './mutants.ts';

const dirs: { remove(): void }[] = [];
function scratch(name: string) {
  const d = tempDir(name);
  dirs.push(d);
  return d.path;
}
afterAll(() => dirs.forEach((d) => d.remove()));

const levelOf = (id: string) => REQUIREMENTS.find((r) => r.id === id)?.level;

describe('gauntlet run against the reference', () => {
  it('passes every requirement on the clean reference, exit 0, with results.json and junit.xml', async () => {
    const reports = scratch('clean');
    const r = await gauntlet(['run', '--report-dir', reports]);
    expect(r.exitCode, r.all).toBe(0);
    const { report, dir } = readReport(reports);
    expect(RunReportSchema.safeParse(report).success).toBe(true);
    expect(report.requirements.map((x) => x.id).sort()).toEqual(REQUIREMENTS.map((x) => x.id).sort());
    for (const result of report.requirements) expect(result.verdict, `${result.id}: ${result.reason}`).toBe('pass');
    const basic = report.requirements.find((x) => x.id === 'SERVING.READY.BASIC');
    expect(basic?.evidence.observations.map((o) => o.name)).toEqual(expect.arrayContaining(['K_SERVICE', 'K_REVISION', 'HTTP status']));
    expect(report.target.kind).toBe('reference');
    expect(report.target.versions.kubernetes).toBe('v1.34.4');
    expect((report.target.facts['serving/config-autoscaler'] as Record<string, string> | null)?.['stable-window']).toBeDefined();
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toContain('SERVING.READY.BASIC');
    expect(existsSync(join(dir, 'reference-logs', 'kube-apiserver.log'))).toBe(true);
    expect(r.stdout).toMatch(/pass\s+MUST\s+SERVING\.READY\.BASIC/);
  }, 900_000);

  // Each mutant runs only the requirements that name it (their declarations' `mutants`).
  for (const { mutant: spec, mustFail } of mutantRuns(REQUIREMENTS)) {
    const mutant = { name: spec.split('=', 1)[0]!, mustFail };
    const mustFailAMust = mutant.mustFail.some((id) => levelOf(id) === 'MUST');
    it(`fails ${mutant.mustFail.join(', ')} against the mutant ${spec}, with evidence`, async () => {
      const dir = scratch(mutant.name);
      const r = await gauntlet([
        'run', '--mutant', spec, '--requirement', ...mutant.mustFail, '--report-dir', join(dir, 'reports'), '--config', fastConfig(dir),
      ]);
      // A failed SHOULD is reported but does not fail the run.
      expect(r.exitCode, r.all).toBe(mustFailAMust ? 1 : 0);
      const { report } = readReport(join(dir, 'reports'));
      expect(report.selection.mutant).toBe(spec);
      for (const id of mutant.mustFail) {
        const result = report.requirements.find((x) => x.id === id);
        expect(result?.verdict, `${id}: ${result?.reason}`).toBe('fail');
        expect(result?.reason.length).toBeGreaterThan(0);
        expect(result?.evidence.resources.length).toBeGreaterThan(0);
      }
      expect(r.stdout).toContain(mutant.mustFail[0]);
    }, 300_000);
  }
});
