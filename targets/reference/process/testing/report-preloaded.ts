/** A test program for warm-runtime.test.ts: prints the `MARK` its imported module saw, and its own. */
import { markWhenEvaluated } from './preloaded.ts';

process.stdout.write(`${JSON.stringify({ module: markWhenEvaluated, program: process.env.MARK ?? null })}\n`);
