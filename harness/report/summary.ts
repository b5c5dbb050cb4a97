import { styleText } from 'node:util';
import type { Verdict } from '../requirements/types.ts';
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

const pad = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - [...s].length));

function exitMeaning(report: RunReport): string {
  if (report.exitCode === 2 && report.requirements.length === 0 && report.errors.length === 0) return 'no requirement ran';
  const meaning = EXIT_CODE_MEANINGS[report.exitCode];
  const soft = report.requirements.filter((r) => r.level !== 'MUST' && r.verdict === 'fail').length;
  return soft > 0 && report.exitCode !== 2 ? `${meaning} (${soft} SHOULD/MAY failed, which never sets the exit code)` : meaning;
}

/** A plain-text summary of a run for the terminal: one row per requirement, counts, and the exit code. */
export function formatSummary(report: RunReport, opts: { color: boolean }): string {
  // validateStream would drop colors whenever stdout is not a TTY; the caller has already decided.
  const style = (format: Style, text: string): string => (opts.color ? styleText(format, text, { validateStream: false }) : text);

  const verdictWidth = Math.max(...Object.keys(VERDICT_STYLE).map((v) => v.length));
  const levelWidth = 'SHOULD'.length;
  const idWidth = Math.min(MAX_ID_WIDTH, Math.max(2, ...report.requirements.map((r) => r.id.length)));
  const reasonWidth = Math.max(MIN_REASON_WIDTH, WIDTH - verdictWidth - levelWidth - idWidth - 3 * GAP.length);

  const header = [pad('VERDICT', verdictWidth), pad('LEVEL', levelWidth), pad('ID', idWidth), 'REASON'].join(GAP);
  const lines = [style('bold', header)];
  for (const r of report.requirements) {
    const cells = [
      style(VERDICT_STYLE[r.verdict], pad(r.verdict, verdictWidth)),
      pad(r.level, levelWidth),
      pad(truncate(r.id, idWidth), idWidth),
      truncate(oneLine(r.reason), reasonWidth),
    ];
    lines.push(cells.join(GAP).trimEnd());
  }
  if (report.requirements.length === 0) lines.push('(no requirements ran)');

  if (report.errors.length > 0) {
    lines.push('', style(['red', 'bold'], `harness or target errors (${report.errors.length}), in full in results.json:`));
    for (const e of report.errors) lines.push(`  ${truncate(oneLine(e), WIDTH - 2)}`);
  }

  const unmet = report.requirements.flatMap((r) => r.evidence.expectations.filter((e) => !e.held && e.level !== 'MUST').map((e) => ({ id: r.id, e })));
  if (unmet.length > 0) {
    lines.push('', style('yellow', `SHOULD/MAY expectations not met (${unmet.length}; they never change the exit code):`));
    for (const { id, e } of unmet) lines.push(`  ${truncate(oneLine(`${e.level} ${id}: ${e.claim}${e.detail ? ` (${e.detail})` : ''}`), WIDTH - 2)}`);
  }

  const s = report.summary;
  const x = s.expectations;
  lines.push(
    '',
    `${s.total} requirements: ${s.pass} pass, ${s.fail} fail, ${s.inconclusive} inconclusive, ` +
      `${s['not-applicable']} not-applicable, ${s.error} error`,
    `expectations: MUST ${x.MUST.held} held, ${x.MUST.unmet} not met; SHOULD ${x.SHOULD.held} held, ${x.SHOULD.unmet} not met; MAY ${x.MAY.held} held, ${x.MAY.unmet} not met`,
    style(EXIT_STYLE[report.exitCode], `exit ${report.exitCode}: ${exitMeaning(report)}`),
  );
  return `${lines.join('\n')}\n`;
}
