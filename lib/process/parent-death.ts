import { existsSync } from 'node:fs';

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/**
 * Wraps a command so that the kernel sends it `signal` when the process (thread) that started it dies,
 * however it dies (SIGKILL included): util-linux's `setpriv --pdeathsig`. Without setpriv the command runs
 * as it is, and only the orderly shutdown paths stop it.
 */
export function withParentDeathSignal(file: string, args: string[], signal: 'KILL' | 'TERM' = 'KILL'): [string, string[]] {
  return SETPRIV ? [SETPRIV, ['--pdeathsig', signal, '--', file, ...args]] : [file, args];
}
