import { defineConfig } from 'vitest/config';
import PlainSummary from './e2e/plain-summary.ts';

// The project's own tests: unit tests beside the code, integration tests that start a real control plane,
// and end-to-end tests (e2e/) that run the CLI against the reference and its mutants.
// The suites under suites/ are not tests of this project: `gauntlet run` runs them.
export default defineConfig({
  test: {
    // Unit tests of the suites' parts too (suites/**/*.test.ts); the suites' own *.spec.ts files are not matched.
    include: ['{lib,harness,targets,suites,cli,bench,e2e,fixtures}/**/*.test.ts'],
    exclude: ['node_modules/**', 'reports/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    reporters: ['default', new PlainSummary()],
  },
});
