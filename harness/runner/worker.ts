/**
 * The set-up file of every spec file a run executes (run-suites.ts): binds `requirement()` to vitest, so that
 * each selected requirement becomes a test whose result (the verdict with its evidence) travels in the test's
 * meta to the collector. Outside a run nothing binds, and importing a spec module only declares.
 */
import { afterAll, inject, test } from 'vitest';
import { bindRequirements } from '../requirements/requirement.ts';
import { runRequirement } from '../requirements/context.ts';
import type { RunContext } from '../requirements/run-context.ts';
import type { RequirementResult } from '../requirements/types.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    gauntlet: RunContext;
  }
  interface TaskMeta {
    gauntlet?: RequirementResult;
  }
}

const run = inject('gauntlet');

bindRequirements({
  register(r) {
    if (!run.selected.includes(r.id)) {
      test.skip(`${r.id} (not selected)`, () => undefined);
      return;
    }
    test(`${r.id}: ${r.declaration.title}`, { timeout: r.timeoutMs }, async ({ task, signal }) => {
      const result = await runRequirement(r, run, signal);
      task.meta.gauntlet = result;
      if (result.verdict === 'fail' || result.verdict === 'error') throw new Error(`${result.verdict}: ${result.reason}`);
    });
  },
  afterFile: (fn) => afterAll(fn),
});
