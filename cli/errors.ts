import { MissingToolsError } from '../lib/tools/resolve.ts';
import { TargetError, UserError, describeError } from '../lib/errors.ts';
import { fail } from './output.ts';

/** Every error leaves as one clear line and exit 2; a stack only for harness bugs, and only with GAUNTLET_DEBUG=1. */
export function exitOnError(e: unknown): never {
  if (e instanceof UserError || e instanceof MissingToolsError || e instanceof TargetError) {
    fail(e.message);
  } else {
    fail(`${describeError(e)} (an error in gauntlet itself${process.env.GAUNTLET_DEBUG ? '' : '; GAUNTLET_DEBUG=1 shows the stack'})`);
    if (process.env.GAUNTLET_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  }
  process.exit(2);
}
