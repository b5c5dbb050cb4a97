import { Command } from 'commander';
import { registerRun } from './commands/run.ts';
import { registerReference } from './commands/reference.ts';
import { registerLists } from './commands/lists.ts';
import { registerTools } from './commands/tools.ts';
import { exitOnError } from './errors.ts';
import { fail } from './output.ts';
import { VERSION } from './root.ts';

const program = new Command('gauntlet')
  .description('Conformance tests for serverless platforms on Kubernetes (Knative Serving, Istio)')
  .version(VERSION)
  .showSuggestionAfterError(true)
  .configureOutput({ outputError: (str) => fail(str.replace(/^error: /, '').trim()) })
  .exitOverride((err) => {
    // commander's own usage errors are user errors: exit 2, one line.
    process.exit(err.exitCode === 0 ? 0 : 2);
  })
  .addHelpText(
    'after',
    `
Examples:
  npx gauntlet setup                                  build the pinned tools once per machine
  npx gauntlet run                                    run every suite against the reference
  npx gauntlet run --suite serving --level MUST       only the serving layer's MUST requirements
  npx gauntlet run --mutant never-ready               prove a check fails against a defect
  npx gauntlet run --profile conformance --waivers waivers.yaml
                                                      only upstream's normative clauses, known deviations waived
  npx gauntlet reference up                           a reference to point kubectl at
  npx gauntlet run --kubeconfig ~/.kube/config --context staging

Exit codes: 0 every MUST passed (or was waived), 1 a MUST failed, 2 harness or target error, 3 a MUST inconclusive.`,
  );

// `gauntlet mutants | head`: a closed pipe ends the output, not with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

registerRun(program);
registerReference(program);
registerLists(program);
registerTools(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  exitOnError(e);
}
