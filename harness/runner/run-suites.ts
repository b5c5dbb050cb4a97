import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestSpecification } from 'vitest/node';
import type {} from 'vitest/config';
import type { RunContext } from '../requirements/run-context.ts';
import type { RequirementResult } from '../requirements/types.ts';
import { ResultCollector } from './collector.ts';
import { TargetLockServer } from '../requirements/target-lock.ts';

/** Binds each spec file's requirements to vitest (worker.ts). */
const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface SuiteRunOptions {
  root: string;
  /** Absolute paths of the spec files to run, in the order they are to start. */
  files: string[];
  context: RunContext;
  progress: (line: string) => void;
  signal?: AbortSignal;
  /** Spec files running at once; default `DEFAULT_WORKERS`. */
  workers?: number;
}

/**
 * Spec files running at once, unless the run says otherwise (`workers`, `--workers`). Requirements hold the
 * target alone only while they load or measure (`ctx.exclusive`; light loads beside each other:
 * `ctx.lightLoad`; the lock is the run's TargetLockServer); the rest of their time (set-up, waiting for a
 * status, for zero pods, for a window to pass) overlaps with the others'. Three on 2 cores: with five, a
 * reference beside another (npm test runs two) once missed its own webhook's deadline.
 */
export const DEFAULT_WORKERS = 3;

/**
 * Runs the suites' spec files through vitest's Node API in worker threads, so that nothing they start can
 * outlive the run's process.
 */
export async function runSuites(opts: SuiteRunOptions): Promise<{ results: RequirementResult[]; errors: string[] }> {
  const collector = new ResultCollector(opts.progress);
  const lock = new TargetLockServer(opts.context.targetLock);
  try {
    if (opts.files.length > 0 && !opts.signal?.aborted) await runFiles(opts, collector);
  } finally {
    lock.close();
  }
  return { results: collector.results, errors: collector.errors };
}

/** vitest sorts files by size or past duration; the runner's order is kept instead. */
function inOrder(files: string[]): new () => { shard(s: TestSpecification[]): TestSpecification[]; sort(s: TestSpecification[]): TestSpecification[] } {
  const rank = new Map(files.map((f, i) => [resolve(f), i]));
  const of = (s: TestSpecification) => rank.get(resolve(s.moduleId)) ?? files.length;
  return class {
    shard = (specs: TestSpecification[]) => specs;
    sort = (specs: TestSpecification[]) => [...specs].sort((a, b) => of(a) - of(b));
  };
}

async function runFiles(opts: SuiteRunOptions, collector: ResultCollector): Promise<void> {
  const { files } = opts;
  const workers = Math.min(opts.workers ?? DEFAULT_WORKERS, files.length);
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  // Loaded here, not at the top: spec files import the harness's face, which must not pull vitest's runner into each worker.
  const { createVitest } = await import('vitest/node');
  const vitest = await createVitest(
    { config: false, root: opts.root, watch: false, run: true, reporters: [collector], passWithNoTests: true },
    {
      test: {
        include: files.map((f) => f.replaceAll('\\', '/')),
        pool: 'threads',
        fileParallelism: workers > 1,
        maxWorkers: workers,
        sequence: { sequencer: inOrder(files) },
        isolate: true,
        setupFiles: [WORKER],
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
