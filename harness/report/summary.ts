import { styleText } from 'node:util';
import { PROFILES, type Profile, type RequirementResult, type Verdict } from '../requirements/types.ts';
import { EXIT_CODE_MEANINGS } from './exit-code.ts';
import type { RunReport } from './schema.ts';

const WIDTH = 120;
const GAP = '  ';
const MAX_ID_WIDTH = 48;
const MIN_REASON_WIDTH = 24;

type Style = Parameters<typeof styleText>[0];
const VERDICT_STYLE: Record<Verdict, Style> = {
  pass: 'green',
  fail: 'red',
  waived: 'magenta',
  error: ['red', 'bold'],
  inconclusive: 'yellow',
  'not-applicable': 'gray',
};
const EXIT_STYLE: Record<RunReport['exitCode'], Style> = { 0: 'green', 1: 'red', 2: ['red', 'bold'], 3: 'yellow' };

/** One line of text fit for a terminal: whitespace runs collapsed, control characters made harmless. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/\p{Cc}/gu, '?').trim();
}

function truncate(s: string, width: number): string {
  const chars = [...s];
  return chars.length <= width ? s : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Word-wrapped to `width` under a 2-space indent, continuation lines 4: for text that must be read whole. */
function wrap(s: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of oneLine(s).split(' ')) {
    const next = line === '' ? `  ${word}` : `${line} ${word}`;
    if ([...next].length <= width || line === '') line = next;
    else {
      out.push(line);
      line = `    ${word}`;
    }
  }
  return [...out, line].map((l) => truncate(l, width));
}

const pad = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - [...s].length));

/** What each profile is, above its rows: a conformance result is only what upstream specifies. */
const PROFILE_TITLES: Record<Profile, string> = {
  conformance: "CONFORMANCE: upstream's normative clauses",
  operational: "OPERATIONAL PROFILE: documented behaviour, bounds from the target's configuration (not conformance)",
};

function exitMeaning(report: RunReport): string {
  if (report.exitCode === 2 && report.requirements.length === 0 && report.errors.length === 0) return 'no requirement ran';
  const meaning = report.exitCode === 0 && report.summary.waived > 0 ? 'every MUST requirement passed or was waived' : EXIT_CODE_MEANINGS[report.exitCode];
  const notes: string[] = [];
  const soft = report.requirements.filter((r) => r.level !== 'MUST' && r.verdict === 'fail').length;
  if (soft > 0) notes.push(`${soft} SHOULD/MAY failed, which never sets the exit code`);
  if (report.summary.waived > 0) notes.push(`${report.summary.waived} waived: a declared deviation, never a pass`);
  return notes.length > 0 && report.exitCode !== 2 ? `${meaning} (${notes.join('; ')})` : meaning;
}

/** The reason column: a waived failure shows its waiver's reason, then the failure's. */
function reasonOf(r: RequirementResult): string {
  return r.waiver ? `${r.waiver.reason}; failed: ${r.reason}` : r.reason;
}

const countsLine = (c: Record<Verdict, number> & { total: number }): string =>
  `${c.total} requirements: ${c.pass} pass, ${c.fail} fail, ${c.waived} waived, ${c.inconclusive} inconclusive, ${c['not-applicable']} not-applicable, ${c.error} error`;

/** A plain-text summary of a run for the terminal: one row per requirement, counts, and the exit code. */
export function formatSummary(report: RunReport, opts: { color: boolean }): string {
  // validateStream would drop colors whenever stdout is not a TTY; the caller has already decided.
  const style = (format: Style, text: string): string => (opts.color ? styleText(format, text, { validateStream: false }) : text);

  const verdictWidth = Math.max(...Object.keys(VERDICT_STYLE).map((v) => v.length));
  const levelWidth = 'SHOULD'.length;
  const idWidth = Math.min(MAX_ID_WIDTH, Math.max(2, ...report.requirements.map((r) => r.id.length)));
  const reasonWidth = Math.max(MIN_REASON_WIDTH, WIDTH - verdictWidth - levelWidth - idWidth - 3 * GAP.length);

  const header = [pad('VERDICT', verdictWidth), pad('LEVEL', levelWidth), pad('ID', idWidth), 'REASON'].join(GAP);
  const lines: string[] = [];
  // Each profile apart, under its title: conformance first.
  for (const profile of PROFILES) {
    const rows = report.requirements.filter((r) => r.profile === profile);
    if (rows.length === 0) continue;
    if (lines.length > 0) lines.push('');
    lines.push(style('bold', PROFILE_TITLES[profile]), style('bold', header));
    for (const r of rows) {
      const cells = [
        style(VERDICT_STYLE[r.verdict], pad(r.verdict, verdictWidth)),
        pad(r.level, levelWidth),
        pad(truncate(r.id, idWidth), idWidth),
        truncate(oneLine(reasonOf(r)), reasonWidth),
      ];
      lines.push(cells.join(GAP).trimEnd());
    }
  }
  if (report.requirements.length === 0) lines.push('(no requirements ran)');

  if (report.errors.length > 0) {
    lines.push('', style(['red', 'bold'], `harness or target errors (${report.errors.length}), in full in results.json:`));
    for (const e of report.errors) lines.push(`  ${truncate(oneLine(e), WIDTH - 2)}`);
  }

  const waived = report.requirements.flatMap((r) => (r.waiver ? [{ id: r.id, w: r.waiver, failure: r.reason }] : []));
  if (waived.length > 0) {
    lines.push('', style('magenta', `waived failures (${waived.length}; declared deviations, not passes: they never change the exit code):`));
    for (const { id, w, failure } of waived) {
      const what = w.expectation === undefined ? '' : ` MUST "${w.expectation}":`;
      lines.push(...wrap(`${id}:${what} ${w.reason} (until ${w.expires}; ${w.source}); failed: ${failure}`, WIDTH));
    }
  }

  const unmet = report.requirements.flatMap((r) => r.evidence.expectations.filter((e) => !e.held && e.level !== 'MUST').map((e) => ({ id: r.id, e })));
  if (unmet.length > 0) {
    lines.push('', style('yellow', `SHOULD/MAY expectations not met (${unmet.length}; they never change the exit code):`));
    for (const { id, e } of unmet) lines.push(`  ${truncate(oneLine(`${e.level} ${id}: ${e.claim}${e.detail ? ` (${e.detail})` : ''}`), WIDTH - 2)}`);
  }

  if (report.warnings.length > 0) {
    lines.push('', style('yellow', `warnings (${report.warnings.length}; they never change the exit code):`));
    for (const w of report.warnings) lines.push(...wrap(w, WIDTH));
  }

  const s = report.summary;
  const x = s.expectations;
  const ran = PROFILES.filter((p) => s.profiles[p].total > 0);
  lines.push(
    '',
    ...(ran.length > 0 ? ran.map((p) => `${p}: ${countsLine(s.profiles[p])}`) : [countsLine(s)]),
    `expectations: MUST ${x.MUST.held} held, ${x.MUST.unmet} not met; SHOULD ${x.SHOULD.held} held, ${x.SHOULD.unmet} not met; MAY ${x.MAY.held} held, ${x.MAY.unmet} not met`,
    style(EXIT_STYLE[report.exitCode], `exit ${report.exitCode}: ${exitMeaning(report)}`),
  );
  return `${lines.join('\n')}\n`;
}
