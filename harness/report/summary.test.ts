import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatSummary } from './summary.ts';
import { mixedReport, report, result } from './testing/sample-report.ts';

const plain = (r: Parameters<typeof formatSummary>[0]): string[] => formatSummary(r, { color: false }).trimEnd().split('\n');

describe('formatSummary', () => {
  it('shows one row per requirement with verdict, level, id and reason', () => {
    const lines = plain(mixedReport());
    expect(lines[0]).toMatch(/^VERDICT\s+LEVEL\s+ID\s+REASON$/);
    expect(lines).toContainEqual(expect.stringMatching(/^fail\s+MUST\s+MESH\.ROUTE\.WEIGHTED\s+canary share 0\.31 outside/));
    expect(lines).toContainEqual(expect.stringMatching(/^not-applicable\s+MUST\s+CHAOS\.POD\.KILL\s+Chaos Mesh not installed$/));
  });

  it('aligns the reasons in one column under the header', () => {
    const lines = plain(mixedReport());
    const column = lines[0]?.indexOf('REASON');
    const rows = mixedReport().requirements.map((r, i) => lines[i + 1]?.indexOf(r.reason));
    expect(rows).toEqual(Array<number | undefined>(5).fill(column));
  });

  it('ends with the counts and the meaning of the exit code', () => {
    const lines = plain(mixedReport());
    expect(lines.at(-3)).toBe('5 requirements: 1 pass, 1 fail, 1 inconclusive, 1 not-applicable, 1 error');
    expect(lines.at(-2)).toBe('expectations: MUST 1 held, 1 not met; SHOULD 0 held, 1 not met; MAY 0 held, 0 not met');
    expect(lines.at(-1)).toBe('exit 2: the harness or target failed to run');
    expect(plain(report([result({ verdict: 'fail' })])).at(-1)).toBe('exit 1: a MUST requirement failed');
    expect(plain(report([result({ verdict: 'inconclusive' })])).at(-1)).toBe('exit 3: a MUST requirement was inconclusive');
    expect(plain(report([])).at(-1)).toBe('exit 2: no requirement ran');
  });

  it('says that SHOULD failures did not set the exit code', () => {
    const lines = plain(report([result(), result({ id: 'B', level: 'SHOULD', verdict: 'fail' })]));
    expect(lines.at(-1)).toBe('exit 0: every MUST requirement passed (1 SHOULD/MAY failed, which never sets the exit code)');
  });

  it('lists unmet SHOULD and MAY expectations apart, as not changing the exit code', () => {
    const lines = plain(mixedReport());
    const at = lines.indexOf('SHOULD/MAY expectations not met (1; they never change the exit code):');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe('  SHOULD SERVING.SCALE.TO-ZERO: scales to zero within the grace period (took 41 s)');
  });

  it('lists harness errors', () => {
    const lines = plain(report([result()], ['kube-apiserver: connection refused\n  at connect']));
    expect(lines).toContain('  kube-apiserver: connection refused at connect');
  });

  it('keeps every line within 120 columns, truncating long reasons to one line', () => {
    const long = result({ reason: `first line\n${'x'.repeat(300)}` });
    const lines = plain(report([long]));
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(120);
    const row = lines[1] ?? '';
    expect(row).toContain('first line xxx');
    expect(row.endsWith('…')).toBe(true);
  });

  it('neutralizes control characters in reasons so the terminal is not hijacked', () => {
    const row = plain(report([result({ reason: 'bad \u001b[2J clear' })]))[1];
    expect(row).toContain('bad ?[2J clear');
  });

  it('adds colors only when asked, without changing the text', () => {
    const colored = formatSummary(mixedReport(), { color: true });
    const uncolored = formatSummary(mixedReport(), { color: false });
    expect(colored).not.toBe(uncolored);
    expect(stripVTControlCharacters(colored)).toBe(uncolored);
    expect(uncolored).not.toContain('\u001b');
  });
});
