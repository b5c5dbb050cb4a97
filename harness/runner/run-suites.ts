import { createVitest } from 'vitest/node';
import type {} from 'vitest/config';
import type { RunContext } from '../requirements/run-context.ts';
import type { RequirementResult } from '../requirements/types.ts';
import { ResultCollector } from './collector.ts';

export interface SuiteRunOptions {
  root: string;
  /** Absolute paths of the spec files to run. */
  files: string[];
  context: RunContext;
  progress: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * Runs the suites' spec files through vitest's Node API, one file at a time (they share one target),
 * in worker threads so that nothing they start can outlive the run's process.
 */
export async function runSuites(opts: SuiteRunOptions): Promise<{ results: RequirementResult[]; errors: string[] }> {
  const collector = new ResultCollector(opts.progress);
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const vitest = await createVitest(
    { config: false, root: opts.root, watch: false, run: true, reporters: [collector], passWithNoTests: true },
    {
      test: {
        include: opts.files.map((f) => f.replaceAll('\\', '/')),
        pool: 'threads',
        fileParallelism: false,
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
  return { results: collector.results, errors: collector.errors };
}
