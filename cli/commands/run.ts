import { relative } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_WORKERS, LEVELS, PROFILES, TARGETS, formatSummary, loadConfig, parseConfig, run, type Level, type Profile } from '../../harness/index.ts';
import { targetFor } from '../target.ts';
import { interactive, progress } from '../output.ts';
import { ROOT, VERSION } from '../root.ts';

interface RunFlags {
  target?: string;
  kubeconfig?: string;
  context?: string;
  suite?: string[];
  requirement?: string[];
  level?: Level;
  profile?: Profile;
  waivers?: string;
  reportDir?: string;
  mutant?: string;
  workers?: number;
  config?: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the conformance suites against a target and write reports/<run-id>/')
    .addOption(new Option('--target <kind>', 'where to run').choices(TARGETS))
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (with --target kubeconfig)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--suite <glob...>', 'suites to run, by name or glob: serving, serving/*, serving/ready-basic')
    .option('--requirement <id...>', 'requirement ids (or globs like SERVING.*) to run')
    .addOption(new Option('--level <level>', 'run requirements of this level and stronger').choices(LEVELS))
    .addOption(new Option('--profile <profile>', 'only conformance (upstream\'s normative clauses) or only operational requirements (default: both)').choices(PROFILES))
    .option('--waivers <file>', 'declared deviations (YAML or JSON): a failure a waiver covers is reported as waived, with its reason, and does not fail the run')
    .option('--report-dir <dir>', 'parent folder of the run\'s report folder (default: reports)')
    .option('--mutant <name>', 'start the reference with a named defect (see `gauntlet mutants`)')
    .option('--workers <n>', `suite files run at once (default ${DEFAULT_WORKERS}; more on a machine with more cores)`, wholeNumber)
    .option('--config <file>', 'config file (default: gauntlet.config.ts if present)')
    .action(async (flags: RunFlags) => {
      const { config: fileConfig, file } = await loadConfig(process.cwd(), flags.config);
      const config = parseConfig(file ?? 'flags', {
        ...stripUndefined({ ...fileConfig }),
        ...stripUndefined({
          target: flags.target, kubeconfig: flags.kubeconfig, context: flags.context, suites: flags.suite,
          requirements: flags.requirement, level: flags.level, profile: flags.profile, waivers: flags.waivers,
          reportDir: flags.reportDir, mutant: flags.mutant, workers: flags.workers,
        }),
        // --kubeconfig alone means the kubeconfig target.
        ...(flags.kubeconfig && !flags.target && !fileConfig.target ? { target: 'kubeconfig' } : {}),
      });
      const target = targetFor({ kind: config.target ?? 'reference', kubeconfig: config.kubeconfig, context: config.context, mutant: config.mutant });
      const abort = new AbortController();
      let interrupts = 0;
      const onSignal = (sig: NodeJS.Signals) => {
        interrupts += 1;
        if (interrupts > 1) process.exit(130);
        progress(`${sig}: stopping the run and cleaning up (again to force)`, true);
        abort.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const { report, reportDir } = await run({
        root: ROOT, config, target, version: VERSION, signal: abort.signal, showProgress: interactive, configFile: file ? relative(process.cwd(), file) : undefined,
        progress: (line) => progress(line, /^(starting the reference|target up|running \d)/.test(line)),
      });
      process.stdout.write(`${formatSummary(report, { color: interactive })}\n`);
      process.stdout.write(`report: ${reportDir}\n`);
      process.exitCode = abort.signal.aborted ? 130 : report.exitCode;
    });
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1) throw new InvalidArgumentError('it must be a whole number of 1 or more.');
  return n;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
