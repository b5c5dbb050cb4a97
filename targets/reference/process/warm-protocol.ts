/**
 * What passes between the pool (`warm-runtime.ts`) and a runtime (`warm-runtime-entry.ts`). Its own module: the
 * pool must not import the entry, whose top level is the runtime itself.
 */

/** `--preload=<path>` on a runtime's command line: an ES module it imports while it waits (`WarmRuntimeOptions.preload`). */
export const PRELOAD_ARG = '--preload=';

/** The one JSON line a runtime reads from its stdin: the container it becomes. */
export interface WarmAssignment {
  /** The container's whole environment. */
  env: Record<string, string>;
  cwd: string;
  /** The script, then its arguments. */
  argv: [string, ...string[]];
}
