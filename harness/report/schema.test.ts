import { describe, expect, it } from 'vitest';
import { countVerdicts } from './counts.ts';
import { RunReportSchema } from './schema.ts';
import { mixedReport, report, result } from './testing/sample-report.ts';

function issuePaths(value: unknown): string[] {
  const parsed = RunReportSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
}

describe('RunReportSchema', () => {
  it('accepts a consistent report and returns it unchanged', () => {
    const sample = mixedReport();
    expect(RunReportSchema.parse(sample)).toEqual(sample);
  });

  it('rejects another schema version', () => {
    expect(issuePaths({ ...mixedReport(), schemaVersion: 1 })).toEqual(['schemaVersion']);
  });

  it('rejects unknown keys, so a typo in the harness cannot slip into results.json', () => {
    const sample = mixedReport();
    const [first] = sample.requirements;
    expect(issuePaths({ ...sample, requirements: [{ ...first, verdit: 'pass' }, ...sample.requirements.slice(1)] })).toEqual([
      'requirements.0',
    ]);
  });

  it('rejects bad values deep inside the evidence with their path', () => {
    const bad = result({ evidence: { expectations: [], observations: [], confidence: 1.5, sampleSize: 2.5, resources: [], artifacts: [], notes: [] } });
    expect(issuePaths(report([bad])).sort()).toEqual(['requirements.0.evidence.confidence', 'requirements.0.evidence.sampleSize']);
  });

  it('rejects timestamps that are not ISO 8601 and run ids that are not folder names', () => {
    expect(issuePaths({ ...mixedReport(), startedAt: 'yesterday', runId: '../x' }).sort()).toEqual(['runId', 'startedAt']);
  });

  it('rejects a summary that disagrees with the results', () => {
    const sample = mixedReport();
    expect(issuePaths({ ...sample, summary: { ...sample.summary, pass: 4 } })).toEqual(['summary.pass']);
  });

  it('rejects an exit code that disagrees with the results and errors', () => {
    expect(issuePaths({ ...report([result()]), exitCode: 1 })).toEqual(['exitCode']);
  });

  it('rejects two results for the same requirement', () => {
    expect(issuePaths(report([result(), result()]))).toEqual(['requirements.1.id']);
  });
});

describe('countVerdicts', () => {
  it('counts every verdict, the total, and the expectations by level', () => {
    expect(countVerdicts(mixedReport().requirements)).toEqual({
      total: 5,
      pass: 1,
      fail: 1,
      inconclusive: 1,
      'not-applicable': 1,
      error: 1,
      expectations: { MUST: { held: 1, unmet: 1 }, SHOULD: { held: 0, unmet: 1 }, MAY: { held: 0, unmet: 0 } },
    });
  });
});
