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

  it('rejects a waiver without the verdict waived, and the verdict waived without its waiver', () => {
    const waiver = { requirement: 'SERVING.X', reason: 'known', expires: '2099-01-01', source: 'w.yaml, entry 1' };
    expect(issuePaths(report([result({ verdict: 'fail', waiver })]))).toEqual(['requirements.0.waiver']);
    expect(issuePaths(report([result({ verdict: 'waived' })]))).toEqual(['requirements.0.waiver']);
    expect(issuePaths(report([result({ verdict: 'waived', waiver })]))).toEqual([]);
  });

  it('rejects a result without its profile, or with another', () => {
    const { profile: _, ...without } = result();
    expect(issuePaths(report([without as ReturnType<typeof result>]))).toContain('requirements.0.profile');
    expect(issuePaths(report([result({ profile: 'chaos' as 'conformance' })]))).toContain('requirements.0.profile');
  });
});

describe('countVerdicts', () => {
  it('counts every verdict, the total, each profile apart, and the expectations by level', () => {
    expect(countVerdicts(mixedReport().requirements)).toEqual({
      total: 6,
      pass: 1,
      fail: 1,
      waived: 1,
      inconclusive: 1,
      'not-applicable': 1,
      error: 1,
      profiles: {
        conformance: { total: 5, pass: 1, fail: 1, waived: 1, inconclusive: 0, 'not-applicable': 1, error: 1 },
        operational: { total: 1, pass: 0, fail: 0, waived: 0, inconclusive: 1, 'not-applicable': 0, error: 0 },
      },
      expectations: { MUST: { held: 1, unmet: 2 }, SHOULD: { held: 0, unmet: 1 }, MAY: { held: 0, unmet: 0 } },
    });
  });
});
