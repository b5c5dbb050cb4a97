import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { TargetLockServer, withTargetLock, type LockMode } from './target-lock.ts';

let server: TargetLockServer | undefined;
let n = 0;
afterEach(() => server?.close());

/** A fresh lock; `phases` append to `log` when they begin and end, and end when their gate opens. */
function harness() {
  const name = `gauntlet:test-${process.pid}-${n++}:target`;
  server = new TargetLockServer(name);
  const log: string[] = [];
  const gates = new Map<string, () => void>();
  const phase = (who: string, mode: LockMode, signal?: AbortSignal) =>
    withTargetLock(name, mode, signal, async () => {
      log.push(`+${who}`);
      await new Promise<void>((resolve) => gates.set(who, resolve));
      log.push(`-${who}`);
      return who;
    });
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 400 && !cond(); i++) await sleep(5);
  };
  return { log, phase, until, open: (who: string) => gates.get(who)?.(), srv: server };
}

describe('the run\'s target lock', () => {
  it('grants first come first served: exclusive alone, shared side by side, none past a waiting exclusive', async () => {
    const { log, phase, until, open, srv } = harness();
    const a = phase('A', 'exclusive');
    await until(() => log.includes('+A'));
    const b = phase('B', 'shared');
    const c = phase('C', 'shared');
    await until(() => srv.state().waiting.length === 2);
    const d = phase('D', 'exclusive');
    await until(() => srv.state().waiting.length === 3);
    const e = phase('E', 'shared');
    await until(() => srv.state().waiting.length === 4);
    expect(log).toEqual(['+A']);
    open('A');
    await until(() => log.includes('+B') && log.includes('+C'));
    expect(srv.state()).toEqual({ held: ['shared', 'shared'], waiting: ['exclusive', 'shared'] });
    open('B');
    open('C');
    await until(() => log.includes('+D'));
    expect(srv.state()).toEqual({ held: ['exclusive'], waiting: ['shared'] });
    open('D');
    await until(() => log.includes('+E'));
    open('E');
    expect(await Promise.all([a, b, c, d, e])).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(log.slice(0, 3)).toEqual(['+A', '-A', '+B']);
    expect(log.indexOf('+D')).toBeGreaterThan(Math.max(log.indexOf('-B'), log.indexOf('-C')));
    expect(log.indexOf('+E')).toBeGreaterThan(log.indexOf('-D'));
    await until(() => srv.state().held.length === 0);
    expect(srv.state()).toEqual({ held: [], waiting: [] });
  });

  it('releases after a phase that throws, and drops a request whose wait is aborted', async () => {
    const { log, phase, until, open, srv } = harness();
    const a = phase('A', 'exclusive');
    await until(() => log.includes('+A'));
    const stop = new AbortController();
    const b = phase('B', 'exclusive', stop.signal);
    await until(() => srv.state().waiting.length === 1);
    stop.abort(new Error('cancelled'));
    await expect(b).rejects.toThrow('cancelled');
    await until(() => srv.state().waiting.length === 0);
    expect(srv.state()).toEqual({ held: ['exclusive'], waiting: [] });
    open('A');
    await a;
    const name = `gauntlet:test-${process.pid}-${n - 1}:target`;
    await expect(withTargetLock(name, 'exclusive', undefined, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await until(() => srv.state().held.length === 0);
    expect(srv.state()).toEqual({ held: [], waiting: [] });
    expect(log).toEqual(['+A', '-A']);
  });
});
