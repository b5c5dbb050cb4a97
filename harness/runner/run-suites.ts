import { createVitest } from 'vitest/node';
import type {} from 'vitest/config';
import type { RunContext } from '../requirements/run-context.ts';
import type { RequirementResult } from '../requirements/types.ts';
import { ResultCollector } from './collector.ts';

export interface SuiteRunOptions {
  root: string;
  /** Absolute paths of the spec files to run, one after the other. */
  files: string[];
  /** Spec files that may run beside each other (no load, no latency measured), before the others. */
  parallelFiles?: string[];
  context: RunContext;
  progress: (line: string) => void;
  signal?: AbortSignal;
}

/** Files that may share the target at once run in parallel, then the rest one at a time. */
const PARALLEL_WORKERS = 4;

/**
 * Runs the suites' spec files through vitest's Node API in worker threads, so that nothing they start can
 * outlive the run's process: first the files that may run side by side, then the others one at a time
 * (they send load or measure latency, and must not disturb each other on a shared target).
 */
export async function runSuites(opts: SuiteRunOptions): Promise<{ results: RequirementResult[]; errors: string[] }> {
  const collector = new ResultCollector(opts.progress);
  const passes = [
    { files: opts.parallelFiles ?? [], workers: PARALLEL_WORKERS },
    { files: opts.files, workers: 1 },
  ].filter((p) => p.files.length > 0);
  for (const pass of passes) {
    if (opts.signal?.aborted) break;
    await runPass(opts, collector, pass.files, pass.workers);
  }
  return { results: collector.results, errors: collector.errors };
}

async function runPass(opts: SuiteRunOptions, collector: ResultCollector, files: string[], workers: number): Promise<void> {
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const vitest = await createVitest(
    { config: false, root: opts.root, watch: false, run: true, reporters: [collector], passWithNoTests: true },
    {
      test: {
        include: files.map((f) => f.replaceAll('\\', '/')),
        pool: 'threads',
        fileParallelism: workers > 1,
        maxWorkers: workers,
        isolate: true,
        provide: { gauntlet: opts.context },
        testTimeout: 600_000,
        hookTimeout: 120_000,
        teardownTimeout: 10_000,
      },
    },
  );
  // vitest's logger exits the process on SIGINT/SIGTERM; the CLI owns those signals (it must stop the
  // target and write the report), so the listeners vitest just added are taken off again.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!before[signal].includes(listener)) process.off(signal, listener);
  }
  const onAbort = () => void vitest.cancelCurrentRun('keyboard-input');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await vitest.start();
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await vitest.close();
  }
}
