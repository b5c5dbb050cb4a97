import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatSummary } from './summary.ts';
import { HEADERS_WAIVER, mixedReport, report, result } from './testing/sample-report.ts';

const plain = (r: Parameters<typeof formatSummary>[0]): string[] => formatSummary(r, { color: false }).trimEnd().split('\n');

describe('formatSummary', () => {
  it('shows one row per requirement with verdict, level, id and reason, under its profile\'s title', () => {
    const lines = plain(mixedReport());
    expect(lines[0]).toBe("CONFORMANCE: upstream's normative clauses");
    expect(lines[1]).toMatch(/^VERDICT\s+LEVEL\s+ID\s+REASON$/);
    expect(lines).toContainEqual(expect.stringMatching(/^fail\s+MUST\s+MESH\.ROUTE\.WEIGHTED\s+canary share 0\.31 outside/));
    expect(lines).toContainEqual(expect.stringMatching(/^not-applicable\s+MUST\s+CHAOS\.POD\.KILL\s+Chaos Mesh not installed$/));
  });

  it('keeps the profiles apart: conformance first, then the operational profile under its own title and header', () => {
    const lines = plain(mixedReport());
    const operational = lines.indexOf("OPERATIONAL PROFILE: documented behaviour, bounds from the target's configuration (not conformance)");
    expect(operational).toBe(8);
    expect(lines[operational - 1]).toBe('');
    expect(lines[operational + 1]).toMatch(/^VERDICT\s+LEVEL\s+ID\s+REASON$/);
    expect(lines[operational + 2]).toMatch(/^inconclusive\s+SHOULD\s+SERVING\.SCALE\.BURST\s+too few samples$/);
    const conformanceRows = lines.slice(2, operational - 1).map((l) => l.split(/\s+/)[2]);
    expect(conformanceRows).toEqual(['SERVING.SCALE.TO-ZERO', 'MESH.ROUTE.WEIGHTED', 'SERVING.RUNTIME.HEADERS', 'CHAOS.POD.KILL', 'EVENTING.DLQ']);
    // One profile alone: its title, no other.
    expect(plain(report([result({ profile: 'operational' })])).slice(0, 2)).toEqual([
      "OPERATIONAL PROFILE: documented behaviour, bounds from the target's configuration (not conformance)",
      expect.stringMatching(/^VERDICT/),
    ]);
  });

  it('shows a waived failure as waived, with the waiver\'s reason and then the failure\'s, and lists the waivers apart', () => {
    const lines = plain(mixedReport());
    expect(lines).toContainEqual(
      expect.stringMatching(/^waived\s+MUST\s+SERVING\.RUNTIME\.HEADERS\s+The edge proxy rewrites X-Forwarded-For \(PLAT-1234\); failed: the conta…$/),
    );
    const at = lines.indexOf('waived failures (1; declared deviations, not passes: they never change the exit code):');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 3)).toEqual([
      `  SERVING.RUNTIME.HEADERS: ${HEADERS_WAIVER.reason} (until 2099-12-31; waivers.yaml, entry`,
      '    1); failed: the container gets no X-Forwarded-For',
    ]);
  });

  it('lists the warnings in full, wrapped within 120 columns', () => {
    const long = `waiver w.yaml, entry 3 (SERVING.X): unused: ${'SERVING.X passed: remove the waiver if the deviation is gone; '.repeat(3)}end`;
    const lines = plain(report([result()], [], { warnings: [long] }));
    const at = lines.indexOf('warnings (1; they never change the exit code):');
    expect(at).toBeGreaterThan(0);
    const wrapped = lines.slice(at + 1, lines.indexOf('', at));
    expect(wrapped.length).toBeGreaterThan(1);
    for (const line of wrapped) expect([...line].length).toBeLessThanOrEqual(120);
    expect(wrapped.map((l) => l.trim()).join(' ')).toBe(long);
    expect(wrapped[1]?.startsWith('    ')).toBe(true);
  });

  it('aligns the reasons in one column under the header', () => {
    const lines = plain(mixedReport());
    const column = lines[1]?.indexOf('REASON');
    const rows = mixedReport().requirements.map((r) => {
      const line = lines.find((l) => l.includes(` ${r.id} `)) ?? '';
      return line.indexOf(r.waiver ? r.waiver.reason : r.reason);
    });
    expect(rows).toEqual(Array<number | undefined>(6).fill(column));
  });

  it('ends with the counts of each profile apart and the meaning of the exit code', () => {
    const lines = plain(mixedReport());
    expect(lines.at(-4)).toBe('conformance: 5 requirements: 1 pass, 1 fail, 1 waived, 0 inconclusive, 1 not-applicable, 1 error');
    expect(lines.at(-3)).toBe('operational: 1 requirements: 0 pass, 0 fail, 0 waived, 1 inconclusive, 0 not-applicable, 0 error');
    expect(lines.at(-2)).toBe('expectations: MUST 1 held, 2 not met; SHOULD 0 held, 1 not met; MAY 0 held, 0 not met');
    expect(lines.at(-1)).toBe('exit 2: the harness or target failed to run');
    expect(plain(report([result({ verdict: 'fail' })])).at(-3)).toBe('conformance: 1 requirements: 0 pass, 1 fail, 0 waived, 0 inconclusive, 0 not-applicable, 0 error');
    expect(plain(report([result({ verdict: 'fail' })])).at(-1)).toBe('exit 1: a MUST requirement failed');
    expect(plain(report([result({ verdict: 'inconclusive' })])).at(-1)).toBe('exit 3: a MUST requirement was inconclusive');
    expect(plain(report([])).at(-3)).toBe('0 requirements: 0 pass, 0 fail, 0 waived, 0 inconclusive, 0 not-applicable, 0 error');
    expect(plain(report([])).at(-1)).toBe('exit 2: no requirement ran');
  });

  it('says that a waived MUST did not fail the run, and is no pass', () => {
    const waived = result({ id: 'B', verdict: 'waived', reason: 'no PORT', waiver: { ...HEADERS_WAIVER } });
    expect(plain(report([result(), waived])).at(-1)).toBe('exit 0: every MUST requirement passed or was waived (1 waived: a declared deviation, never a pass)');
    expect(plain(report([result({ verdict: 'fail' }), waived])).at(-1)).toBe('exit 1: a MUST requirement failed (1 waived: a declared deviation, never a pass)');
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
    const row = lines[2] ?? '';
    expect(row).toContain('first line xxx');
    expect(row.endsWith('…')).toBe(true);
  });

  it('neutralizes control characters in reasons so the terminal is not hijacked', () => {
    const row = plain(report([result({ reason: 'bad \u001b[2J clear' })]))[2];
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
