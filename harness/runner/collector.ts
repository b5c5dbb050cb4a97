import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { SerializedError } from 'vitest';
import type { RequirementResult } from '../requirements/types.ts';
import type {} from './worker.ts';

/** A vitest reporter that gathers each requirement's result from its test's meta, and reports progress. */
export class ResultCollector implements Reporter {
  readonly results: RequirementResult[] = [];
  readonly errors: string[] = [];

  private readonly progress: (line: string) => void;
  constructor(progress: (line: string) => void) {
    this.progress = progress;
  }

  onTestCaseReady(testCase: TestCase): void {
    this.progress(`running ${testCase.name}`);
  }

  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.meta().gauntlet;
    if (result) {
      this.results.push(result);
      this.progress(`${result.verdict.padEnd(14)} ${result.id} (${(result.durationMs / 1000).toFixed(1)} s)`);
    } else if (testCase.result().state === 'failed') {
      const err = testCase.result().errors?.[0];
      this.errors.push(`${testCase.module.moduleId}: ${testCase.name}: ${err?.message ?? 'failed'}`);
    }
  }

  onTestModuleEnd(testModule: TestModule): void {
    for (const e of testModule.errors()) this.errors.push(`${testModule.moduleId}: ${e.message}`);
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    for (const e of unhandled) this.errors.push(`unhandled error: ${e.message}`);
  }
}
