import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { withParentDeathSignal } from './parent-death.ts';
import { once } from 'node:events';

/**
 * Every process the reference starts goes through here, so that none outlives it:
 * - a parent-death signal (KILL) makes the kernel kill the child if this process dies, even by SIGKILL;
 * - `detached` gives the child its own process group, so a terminal's Ctrl-C reaches the reference
 *   first and it stops its children in order, and `stop()` can signal the child's whole group.
 */

export interface SpawnOptions {
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Append stdout and stderr to this file. */
  logFile: string;
  /** Signal the kernel sends the child when this process dies. */
  parentDeathSignal?: 'KILL' | 'TERM';
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** What starts a container's process: `startProcess`, or the warm runtimes' `start` (warm-runtime.ts). */
export type ProcessStarter = (name: string, command: string, opts: SpawnOptions) => ManagedProcess;

export function startProcess(name: string, command: string, opts: SpawnOptions): ManagedProcess {
  const fd = openSync(opts.logFile, 'a');
  const [file, args] = withParentDeathSignal(command, opts.args, opts.parentDeathSignal ?? 'KILL');
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', fd, fd],
      detached: true,
    });
  } finally {
    closeSync(fd);
  }
  child.on('error', () => undefined);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  return manageProcess(name, child, exitOf(child));
}

/** Resolves with `child`'s exit code, or the name of the signal that ended it. */
export function exitOf(child: ChildProcess): Promise<number | string> {
  return (async () => {
    const [c, sig] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    return c ?? sig ?? 'unknown';
  })();
}

/**
 * The `ManagedProcess` of a started child in its own process group. `exit` resolves with its exit code or
 * signal name; it may resolve after the process has exited (once what it wrote has been relayed).
 */
export function manageProcess(name: string, child: ChildProcess, exit: Promise<number | string>): ManagedProcess {
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} has no pid`);
  let code: number | string | undefined;
  const exited = exit.then((c) => (code = c));
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // the group is already gone
    }
  };
  return {
    name,
    pid,
    child,
    exited,
    async stop(graceMs = 3000) {
      if (code !== undefined) {
        signalGroup('SIGKILL');
        return;
      }
      signalGroup(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      signalGroup('SIGKILL'); // anything the child left behind in its group
    },
  };
}
