import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ENTRY, runsWarm, startWarmRuntimes, type WarmRuntimeOptions, type WarmRuntimes } from './warm-runtime.ts';
import { startProcess, type ManagedProcess, type SpawnOptions } from '../../../lib/process/spawn.ts';
import { eventually } from '../../../lib/testing/eventually.ts';

const REPORT = fileURLToPath(new URL('./testing/report-process.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gauntlet-warm-'));
const POOL_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
let pools: WarmRuntimes[] = [];
let started: ManagedProcess[] = [];
let n = 0;

function pool(o: Partial<WarmRuntimeOptions> = {}): WarmRuntimes {
  const p = startWarmRuntimes({ size: 2, logFile: join(dir, 'pool.log'), env: POOL_ENV, refillDelayMs: 60_000, ...o });
  pools.push(p);
  return p;
}

/** Options for the report program: its own log file, the pool's environment plus `env`. */
function program(env: Record<string, string> = {}, args: string[] = []): SpawnOptions {
  return { args: [REPORT, ...args], env: { ...POOL_ENV, ...env }, cwd: dir, logFile: join(dir, `container-${++n}.log`) };
}

function start(p: WarmRuntimes, opts: SpawnOptions, command = process.execPath): ManagedProcess {
  const proc = p.start(`test/${n}`, command, opts);
  started.push(proc);
  return proc;
}

interface Report { env: Record<string, string>; argv: string[]; execArgv: string[]; cwd: string; main: boolean; compileCache: string | null }
const reportOf = (logFile: string) => JSON.parse(readFileSync(logFile, 'utf8').split('\n')[0]!) as Report;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const until = <T>(what: string, probe: () => T | undefined): Promise<T> => eventually(what, probe, { timeoutMs: 20_000, intervalMs: 20 });

afterEach(async () => {
  await Promise.all(started.map((p) => p.stop(0)));
  await Promise.all(pools.map((p) => p.stop()));
  started = [];
  pools = [];
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('warm runtimes', () => {
  it('runs a Node script in an idle process, with its env, argv, cwd, compile cache and exit code', async () => {
    const p = pool();
    const idle = p.idle();
    expect(idle).toHaveLength(2);
    const cache = join(dir, 'compile-cache');
    const opts = program({ EXIT_CODE: '3', NODE_COMPILE_CACHE: cache }, ['one', 'two words']);
    const proc = start(p, opts);
    expect(idle).toContain(proc.pid);
    expect(p.idle()).not.toContain(proc.pid);
    expect(await proc.exited).toBe(3);
    const report = reportOf(opts.logFile);
    expect(report.env).toEqual(opts.env);
    expect(report.argv).toEqual([process.execPath, REPORT, 'one', 'two words']);
    expect(report.execArgv).toEqual([]);
    expect(report.cwd).toBe(dir);
    expect(report.main).toBe(true);
    expect(report.compileCache?.startsWith(cache)).toBe(true);
    expect(readFileSync(opts.logFile, 'utf8')).toContain('a line on stderr\n');
    // As the same program spawned sees it.
    const spawnedOpts = { ...opts, logFile: join(dir, 'spawned.log') };
    expect(await startProcess('spawned', process.execPath, spawnedOpts).exited).toBe(3);
    expect(reportOf(spawnedOpts.logFile)).toEqual(report);
  });

  it('booted with a compile cache, runs programs with that cache, as spawned ones', async () => {
    const cache = join(dir, 'pool-cache');
    const p = pool({ env: { ...POOL_ENV, NODE_COMPILE_CACHE: cache } });
    const idle = p.idle();
    const opts = program({ NODE_COMPILE_CACHE: cache });
    const proc = start(p, opts);
    expect(idle).toContain(proc.pid);
    expect(await proc.exited).toBe(0);
    const spawnedOpts = { ...opts, logFile: join(dir, 'spawned-cache.log') };
    expect(await startProcess('spawned', process.execPath, spawnedOpts).exited).toBe(0);
    expect(reportOf(opts.logFile)).toEqual(reportOf(spawnedOpts.logFile));
    const other = start(p, program({ NODE_COMPILE_CACHE: join(dir, 'another-cache') }));
    const none = start(p, program());
    expect(idle).not.toContain(other.pid);
    expect(idle).not.toContain(none.pid);
    expect(await other.exited).toBe(0);
    expect(await none.exited).toBe(0);
  });

  it('imports the preload modules while it waits: a program that imports one gets that instance', async () => {
    const preloaded = fileURLToPath(new URL('./testing/preloaded.ts', import.meta.url));
    const program = fileURLToPath(new URL('./testing/report-preloaded.ts', import.meta.url));
    const logged: string[] = [];
    const p = pool({ preload: [preloaded, join(dir, 'no-such-module.ts')], log: (m) => logged.push(m) });
    expect(logged).toEqual([`preload module ${join(dir, 'no-such-module.ts')} does not exist: not preloaded`]);
    const opts = (log: string): SpawnOptions => ({ args: [program], env: { ...POOL_ENV, MARK: 'container' }, cwd: dir, logFile: join(dir, log) });
    const warm = start(p, opts('preloaded.log'));
    expect(await warm.exited).toBe(0);
    // Evaluated before the program, in the pool's environment.
    expect(JSON.parse(readFileSync(join(dir, 'preloaded.log'), 'utf8').split('\n')[0]!)).toEqual({ module: null, program: 'container' });
    expect(await startProcess('spawned', process.execPath, opts('spawned-preloaded.log')).exited).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'spawned-preloaded.log'), 'utf8').split('\n')[0]!)).toEqual({ module: 'container', program: 'container' });
  });

  it('counts a runtime whose preload fails as one that failed to boot, and spawns meanwhile', async () => {
    const logged: string[] = [];
    const p = pool({ preload: [fileURLToPath(new URL('./testing/preload-throws.ts', import.meta.url))], log: (m) => logged.push(m) });
    await until('the runtimes to exit', () => (p.idle().length === 0 ? true : undefined));
    expect(logged.some((m) => /exited \(1\) before it was used/.test(m))).toBe(true);
    expect(readFileSync(join(dir, 'pool.log'), 'utf8')).toContain('this module cannot be preloaded');
    const opts = program();
    expect(await start(p, opts).exited).toBe(0);
    expect(reportOf(opts.logFile).main).toBe(true);
  });

  it('relays everything the program wrote before `exited` resolves', async () => {
    const p = pool();
    const opts = program({ BULK_BYTES: String(4 * 1024 * 1024) });
    const proc = start(p, opts);
    expect(p.idle()).not.toContain(proc.pid);
    expect(await proc.exited).toBe(0);
    const lines = readFileSync(opts.logFile, 'utf8').split('\n');
    expect(lines.slice(1)).toEqual(['a line on stderr', 'x'.repeat(4 * 1024 * 1024 - 1), '']); // in the order written
  });

  it('gives the process its own group, shows its command line, and stops the group with a signal', async () => {
    const p = pool();
    const opts = program({ STAY: '1' }, ['arg']);
    const proc = start(p, opts);
    await until('the report', () => (readFileSync(opts.logFile, 'utf8').includes('\n') ? true : undefined));
    const stat = readFileSync(`/proc/${proc.pid}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])).toBe(proc.pid); // pgrp
    expect(readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()).toBe(`${process.execPath} ${REPORT} arg`);
    await proc.stop(5000);
    expect(await proc.exited).toBe('SIGTERM');
    expect(alive(proc.pid)).toBe(false);
  });

  it('refills up to its size after a take, with new processes', async () => {
    const p = pool({ refillDelayMs: 50 });
    const before = p.idle();
    const taken = [start(p, program()), start(p, program())];
    expect(p.idle()).toEqual([]);
    await Promise.all(taken.map((t) => t.exited));
    const after = await until('a full pool', () => (p.idle().length === 2 ? p.idle() : undefined));
    expect(after.filter((pid) => before.includes(pid))).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(p.idle()).toEqual(after);
  });

  it('spawns when it is empty, and never waits for a refill', async () => {
    const p = pool({ size: 1 });
    const idle = p.idle();
    const first = start(p, program());
    const opts = program({ EXIT_CODE: '7' }, ['x']);
    const second = start(p, opts);
    expect(idle).toEqual([first.pid]);
    expect(second.pid).not.toBe(first.pid);
    expect(p.idle()).toEqual([]);
    expect(await second.exited).toBe(7);
    expect(reportOf(opts.logFile)).toMatchObject({ argv: [process.execPath, REPORT, 'x'], env: opts.env, cwd: dir, main: true });
  });

  it('spawns what a warm runtime cannot be: other programs, Node flags, a start-up variable of its own', async () => {
    const p = pool();
    const idle = p.idle();
    const sh = start(p, { args: ['-c', 'exit 4'], env: POOL_ENV, logFile: join(dir, 'sh.log') }, '/bin/sh');
    const flagged = program({}, []);
    flagged.args = ['--no-warnings', ...flagged.args];
    const withFlag = start(p, flagged);
    const withOptions = start(p, program({ NODE_OPTIONS: '--no-warnings' }));
    expect(await sh.exited).toBe(4);
    expect(await withFlag.exited).toBe(0);
    expect(await withOptions.exited).toBe(0);
    for (const proc of [sh, withFlag, withOptions]) expect(idle).not.toContain(proc.pid);
    expect(p.idle()).toEqual(idle);
    expect(reportOf(flagged.logFile).execArgv).toEqual(['--no-warnings']);
  });

  it('stop() kills the idle processes and leaves taken ones to their owners', async () => {
    const p = pool({ refillDelayMs: 10 });
    const opts = program({ STAY: '1' });
    const taken = start(p, opts);
    const idle = p.idle();
    await p.stop();
    for (const pid of idle) expect(alive(pid)).toBe(false);
    expect(alive(taken.pid)).toBe(true);
    expect(p.idle()).toEqual([]);
    const spawned = start(p, program());
    expect(await spawned.exited).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(p.idle()).toEqual([]);
  });

  it('leaves no process behind', async () => {
    const p = pool();
    start(p, program());
    await Promise.all(started.map((s) => s.stop(0)));
    await p.stop();
    const children = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === String(process.pid);
      } catch {
        return false;
      }
    });
    expect(children).toEqual([]);
  });
});

describe('runsWarm', () => {
  const env = { PATH: '/bin', LANG: 'C.UTF-8' };
  const opts = (args: string[], more: Record<string, string> = {}): SpawnOptions => ({ args, env: { ...env, ...more }, logFile: '/dev/null' });

  it('takes Node running a script, with the pool\'s start-up environment', () => {
    expect(runsWarm(process.execPath, opts(['/x.ts', '--flag-of-the-script']), env)).toBe(true);
    expect(runsWarm(process.execPath, opts(['/x.ts'], { NODE_COMPILE_CACHE: '/c', POD_NAME: 'p' }), env)).toBe(true);
  });

  it('refuses other programs, Node flags, no script, another start-up environment or parent-death signal', () => {
    expect(runsWarm('/bin/sh', opts(['/x.sh']), env)).toBe(false);
    expect(runsWarm(process.execPath, opts(['--inspect', '/x.ts']), env)).toBe(false);
    expect(runsWarm(process.execPath, opts([]), env)).toBe(false);
    expect(runsWarm(process.execPath, opts(['/x.ts'], { NODE_OPTIONS: '--max-old-space-size=100' }), env)).toBe(false);
    expect(runsWarm(process.execPath, opts(['/x.ts'], { LANG: 'de_DE.UTF-8' }), env)).toBe(false);
    expect(runsWarm(process.execPath, { ...opts(['/x.ts']), parentDeathSignal: 'TERM' }, env)).toBe(false);
    expect(runsWarm(process.execPath, { ...opts(['/x.ts']), cwd: '/no/such/dir' }, env)).toBe(false);
  });

  it('with a pool booted from a compile cache, takes only programs with the same cache', () => {
    const cached = { ...env, NODE_COMPILE_CACHE: '/c' };
    expect(runsWarm(process.execPath, opts(['/x.ts'], { NODE_COMPILE_CACHE: '/c' }), cached)).toBe(true);
    expect(runsWarm(process.execPath, opts(['/x.ts'], { NODE_COMPILE_CACHE: '/d' }), cached)).toBe(false);
    expect(runsWarm(process.execPath, opts(['/x.ts']), cached)).toBe(false);
    expect(runsWarm(process.execPath, opts(['/x.ts'], { NODE_COMPILE_CACHE: '/c', NODE_DISABLE_COMPILE_CACHE: '1' }), cached)).toBe(false);
  });

  it('boots from its own entry script', () => {
    expect(ENTRY).toMatch(/warm-runtime-entry\.ts$/);
  });
});
