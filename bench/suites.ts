/**
 * `npm run bench -- suites`: how long the conformance suites take against the reference, and whether
 * consecutive clean runs agree. Each suite runs RUNS times, one after the other, through the CLI exactly as a
 * user runs it (each run starts its own reference); the table gives each run's wall time, the time spent in
 * the requirements (first start to last end), the verdicts, and whether every requirement got the same
 * verdict in every run.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { RunReport } from '../harness/index.ts';
import type { BenchContext } from './context.ts';
import { table } from './markdown.ts';

const QUICK = process.env.GAUNTLET_BENCH_QUICK === '1';
const RUNS = QUICK ? 1 : 3;
const SUITES = QUICK ? ['serving/ready-basic'] : ['serving', 'mesh'];
const BIN = join(import.meta.dirname, '..', 'bin', 'gauntlet');

interface Run { wallS: number; requirementsS: number; verdicts: Record<string, string>; reasons: Record<string, string>; exitCode: number }

function requirementsSpan(report: RunReport): number {
  const starts = report.requirements.map((r) => Date.parse(r.startedAt));
  const ends = report.requirements.map((r) => Date.parse(r.startedAt) + r.durationMs);
  return (Math.max(...ends) - Math.min(...starts)) / 1000;
}

async function runSuite(b: BenchContext, suite: string, i: number): Promise<Run> {
  const reports = mkdtempSync(join(b.outDir, 'suite-'));
  b.progress(`suites: ${suite}, run ${i + 1}/${RUNS}`);
  const started = performance.now();
  const r = await execa(BIN, ['run', '--suite', suite, '--report-dir', reports], { reject: false, all: true, env: { CI: 'true' }, timeout: 900_000 });
  const wallS = (performance.now() - started) / 1000;
  try {
    const [dir] = readdirSync(reports);
    if (!dir) throw new Error(`gauntlet run --suite ${suite} wrote no report (exit ${r.exitCode}): ${r.all.slice(-2000)}`);
    const report = JSON.parse(readFileSync(join(reports, dir, 'results.json'), 'utf8')) as RunReport;
    return { wallS, requirementsS: requirementsSpan(report), verdicts: Object.fromEntries(report.requirements.map((x) => [x.id, x.verdict])), reasons: Object.fromEntries(report.requirements.map((x) => [x.id, x.reason])), exitCode: r.exitCode ?? -1 };
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
}

export async function benchSuites(b: BenchContext): Promise<string> {
  const sections: string[] = [];
  for (const suite of SUITES) {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await runSuite(b, suite, i));
    const ids = [...new Set(runs.flatMap((r) => Object.keys(r.verdicts)))].sort();
    const disagree = ids.filter((id) => new Set(runs.map((r) => r.verdicts[id] ?? 'missing')).size > 1);
    const count = (r: Run, v: string) => Object.values(r.verdicts).filter((x) => x === v).length;
    sections.push([
      `\`gauntlet run --suite ${suite}\` (${ids.length} requirements), ${RUNS} consecutive runs:`,
      '',
      table(['run', 'wall s (incl. reference start)', 'requirements s', 'pass', 'fail', 'other', 'exit'], runs.map((r, i) => [
        i + 1, r.wallS.toFixed(1), r.requirementsS.toFixed(1), count(r, 'pass'), count(r, 'fail'), ids.length - count(r, 'pass') - count(r, 'fail'), r.exitCode,
      ])),
      '',
      disagree.length === 0
        ? `Every requirement got the same verdict in all ${RUNS} runs.`
        : [
          `Verdicts differed between runs for: ${disagree.map((id) => `${id} (${runs.map((r) => r.verdicts[id] ?? 'missing').join(', ')})`).join('; ')}.`,
          // The reports are gone with the bench's temporary directory: the reasons of the odd verdicts are kept here.
          ...disagree.flatMap((id) => runs.flatMap((r, i) => (r.verdicts[id] === 'pass' ? [] : [`- ${id}, run ${i + 1}: ${r.reasons[id] ?? 'no result'}`]))),
        ].join('\n'),
    ].join('\n'));
  }
  return sections.join('\n\n');
}
