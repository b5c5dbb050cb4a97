import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { appendFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withParentDeathSignal } from '../../../lib/process/parent-death.ts';
import { relayOutput, type OutputRelay } from './output-relay.ts';
import { exitOf, manageProcess, startProcess, type ProcessStarter, type SpawnOptions } from '../../../lib/process/spawn.ts';
import { PRELOAD_ARG, type WarmAssignment } from './warm-protocol.ts';

/**
 * Warm runtimes: a small pool of Node processes that have booted and wait for a program (a zygote pool). A Node
 * script started through the pool (`[process.execPath, script, ...args]`, no Node flags) runs in one of them
 * instead of a new process, which saves Node's boot (~40 ms of CPU) on the critical path of a cold start.
 *
 * The taken process is the container's: same pid, own process group, parent-death signal, `ManagedProcess`
 * semantics as `startProcess`. Its output goes through a pipe relayed into the log file (appended), since it was
 * started before that file was known; before it is taken, into the pool's own log. `exited` resolves once the
 * output has been relayed (bounded by `DRAIN_MS`, in case something the program started keeps the pipe open).
 *
 * The pool never makes anyone wait: empty, it starts the program as `startProcess` does. It refills up to its size
 * `refillDelayMs` after a take (later takes meanwhile join that refill), so that Node boots after the cold start
 * that took one, not during it.
 * Anything else (other programs, Node flags, a start-up variable of Node that differs from the pool's) is spawned.
 */
export interface WarmRuntimeOptions {
  /** Idle processes kept ready. */
  size: number;
  /** Where the output of idle processes goes (a failure to boot, say), and a line for every start through the pool. */
  logFile: string;
  /**
   * The environment the pool's processes boot with: what Node reads only at start-up comes from here. With
   * `NODE_COMPILE_CACHE`, a process boots from the cache too (its entry is TypeScript: ~60 ms less CPU) and takes
   * only programs with the same cache; without, it enables a program's cache when it takes it.
   */
  env: Readonly<Record<string, string>>;
  /** Delay between a take and the start of the replacements; default 300 ms. */
  refillDelayMs?: number;
  /**
   * ES modules (absolute paths) every runtime imports while it waits: libraries of the programs it will most
   * likely become, free of side effects when imported. A program that imports one gets it from Node's module
   * cache, already evaluated; for any other program they are only memory.
   */
  preload?: readonly string[];
  log?: (message: string) => void;
}

export interface WarmRuntimes {
  /** `startProcess`, on a warm runtime when the command is a Node script and one is idle. */
  start: ProcessStarter;
  /** Pids of the idle processes. */
  idle(): number[];
  /** Kills the idle processes (taken ones are their containers') and stops refilling; resolves once they have exited. */
  stop(): Promise<void>;
}

export const ENTRY = fileURLToPath(new URL('./warm-runtime-entry.ts', import.meta.url));
const DRAIN_MS = 1000;
/**
 * An argument the entry ignores: room in the process's argv for the container's command line, which the runtime
 * writes there as its title (`ps`, /proc/<pid>/cmdline), since a title never outgrows the original argv.
 */
const TITLE_ROOM = ' '.repeat(1024);
/** Idle processes that exit on their own this many times in a row: the pool gives up refilling. */
const MAX_BOOT_FAILURES = 3;

/**
 * Variables that Node (or OpenSSL, ICU, libuv) reads when it starts, or once for good early on: a warm runtime
 * has them from the pool's environment, so a program whose environment differs in one of them is spawned.
 */
export const STARTUP_ENV = [
  'NODE_OPTIONS', 'NODE_PATH', 'NODE_EXTRA_CA_CERTS', 'NODE_ICU_DATA', 'NODE_V8_COVERAGE', 'NODE_DEBUG', 'NODE_DEBUG_NATIVE',
  'NODE_PRESERVE_SYMLINKS', 'NODE_PENDING_DEPRECATION', 'NODE_NO_WARNINGS', 'NODE_REDIRECT_WARNINGS', 'NODE_TLS_REJECT_UNAUTHORIZED',
  'NODE_USE_ENV_PROXY', 'NODE_DISABLE_COMPILE_CACHE', 'UV_THREADPOOL_SIZE', 'OPENSSL_CONF', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'LANG', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES',
] as const;

interface Idle {
  child: ChildProcessByStdio<Writable, Readable, null>;
  relay: OutputRelay;
  exit: Promise<number | string>;
  taken: boolean;
}

/** Whether `command args` can run on a warm runtime booted with `poolEnv`. */
export function runsWarm(command: string, opts: SpawnOptions, poolEnv: Readonly<Record<string, string>>): boolean {
  const script = opts.args[0];
  if (command !== process.execPath || script === undefined || script.startsWith('-')) return false;
  if ((opts.parentDeathSignal ?? 'KILL') !== 'KILL') return false;
  if (opts.cwd !== undefined && !existsSync(opts.cwd)) return false; // spawning reports it as a failure to start
  const env = opts.env ?? process.env;
  if (poolEnv.NODE_COMPILE_CACHE !== undefined && env.NODE_COMPILE_CACHE !== poolEnv.NODE_COMPILE_CACHE) return false;
  return STARTUP_ENV.every((name) => env[name] === poolEnv[name]);
}

export function startWarmRuntimes(o: WarmRuntimeOptions): WarmRuntimes {
  const log = o.log ?? (() => undefined);
  const refillDelayMs = o.refillDelayMs ?? 300;
  const idle: Idle[] = [];
  let stopped = false;
  let failures = 0;
  let refillTimer: NodeJS.Timeout | undefined;
  const note = (line: string) => {
    try {
      appendFileSync(o.logFile, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // the log directory is gone: nothing to tell
    }
  };

  const preload = (o.preload ?? []).filter((m) => {
    if (existsSync(m)) return true;
    log(`preload module ${m} does not exist: not preloaded`);
    return false;
  }).map((m) => `${PRELOAD_ARG}${m}`);

  const boot = () => {
    // stderr onto the stdout pipe (the shell execs Node in its place): one pipe, as a spawned container has one log
    // file, so that the relay keeps the order of what the program writes to both.
    const [file, args] = withParentDeathSignal('/bin/sh', ['-c', 'exec "$0" "$@" 2>&1', process.execPath, ENTRY, ...preload, TITLE_ROOM], 'KILL');
    const child = spawn(file, args, { env: { ...o.env }, cwd: '/', stdio: ['pipe', 'pipe', 'ignore'], detached: true });
    child.on('error', () => undefined);
    child.stdin.on('error', () => undefined); // EPIPE: the process died before reading its assignment
    if (child.pid === undefined) {
      child.stdin.destroy();
      child.stdout.destroy();
      log(`could not start a warm runtime (${file})`);
      return;
    }
    const relay = relayOutput([child.stdout], o.logFile);
    const exit = exitOf(child);
    const w: Idle = { child, relay, exit, taken: false };
    idle.push(w);
    void exit.then((code) => {
      const i = idle.indexOf(w);
      if (i >= 0) idle.splice(i, 1);
      if (!w.taken && !stopped) {
        failures++;
        log(`warm runtime ${child.pid} exited (${code}) before it was used; see ${o.logFile}`);
        if (failures >= MAX_BOOT_FAILURES) log(`${failures} warm runtimes in a row failed: no more are started, Node programs are spawned`);
        else scheduleRefill();
      }
    });
  };

  const refill = () => {
    refillTimer = undefined;
    if (stopped || failures >= MAX_BOOT_FAILURES) return;
    for (let missing = o.size - idle.length; missing > 0; missing--) boot();
  };
  // Takes while a refill is pending do not postpone it: pods that start every 200 ms would keep the pool empty.
  function scheduleRefill() {
    refillTimer ??= setTimeout(refill, refillDelayMs);
  }

  for (let i = 0; i < o.size; i++) boot();

  return {
    idle: () => idle.map((w) => w.child.pid!),
    start(name, command, opts) {
      if (stopped || !runsWarm(command, opts, o.env)) return startProcess(name, command, opts);
      scheduleRefill();
      const w = idle.shift();
      if (!w) {
        note(`${name}: no idle warm runtime, spawned`);
        return startProcess(name, command, opts);
      }
      try {
        w.relay.redirect(opts.logFile);
      } catch (e) {
        idle.unshift(w);
        throw e;
      }
      w.taken = true;
      failures = 0;
      const env = Object.fromEntries(Object.entries(opts.env ?? process.env).filter((e): e is [string, string] => e[1] !== undefined));
      const assignment: WarmAssignment = { env, cwd: opts.cwd ?? process.cwd(), argv: opts.args as WarmAssignment['argv'] };
      w.child.stdin.end(`${JSON.stringify(assignment)}\n`);
      note(`${name}: runs on warm runtime ${w.child.pid}`);
      return manageProcess(name, w.child, w.exit.then(async (code) => {
        await race(w.relay.ended, DRAIN_MS);
        return code;
      }));
    },
    async stop() {
      stopped = true;
      clearTimeout(refillTimer);
      const idleNow = idle.splice(0);
      await Promise.all(idleNow.map(async (w) => {
        await manageProcess('warm runtime', w.child, w.exit).stop(0);
        await race(w.relay.ended, DRAIN_MS);
      }));
    },
  };
}

function race(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).then(() => clearTimeout(timer));
}
