import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Resync, type ResyncOptions } from './resync.ts';

const DEBOUNCE_MS = 100;

/** A loop whose passes record what they saw (`state` when each started) and can be held open by the test. */
function loop(options: Partial<ResyncOptions> = {}) {
  const log: string[] = [];
  const errors: unknown[] = [];
  let state = 0;
  let gate: PromiseWithResolvers<void> | undefined;
  let failNext: Error | undefined;
  const resync = new Resync(async () => {
    log.push(`start saw ${state}`);
    const g = gate;
    if (g) await g.promise;
    const f = failNext;
    failNext = undefined;
    log.push('end');
    if (f) throw f;
  }, { debounceMs: DEBOUNCE_MS, onError: (e) => errors.push(e), ...options });
  return {
    resync,
    log,
    errors,
    /** A change of the inputs, and its notification. */
    change() {
      state++;
      log.push(`change ${state}`);
      resync.schedule();
    },
    /** The passes that start from now wait for `open()`. */
    hold() {
      gate = Promise.withResolvers<void>();
    },
    open() {
      gate?.resolve();
      gate = undefined;
    },
    failNextPass(e: Error) {
      failNext = e;
    },
  };
}

/** Whether the promise has settled once every timer due now has fired and microtasks have run. */
async function isDone(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Resync', () => {
  it('runs one pass for the changes of one debounce period, not before it ends', async () => {
    const h = loop();
    h.change();
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS / 2);
    h.change();
    h.change();
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS / 2 - 1);
    expect(h.log).toEqual(['change 1', 'change 2', 'change 3']);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.log).toEqual(['change 1', 'change 2', 'change 3', 'start saw 3', 'end']);
    await vi.advanceTimersByTimeAsync(10 * DEBOUNCE_MS);
    expect(h.log.filter((l) => l.startsWith('start'))).toHaveLength(1);
  });

  it('never overlaps passes, and a change during a pass gets a pass of its own after it', async () => {
    const h = loop();
    h.hold();
    h.change();
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(h.log).toEqual(['change 1', 'start saw 1']);
    h.change();
    // The second pass is due, but the first is still running.
    await vi.advanceTimersByTimeAsync(5 * DEBOUNCE_MS);
    expect(h.log).toEqual(['change 1', 'start saw 1', 'change 2']);
    h.open();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.log).toEqual(['change 1', 'start saw 1', 'change 2', 'end', 'start saw 2', 'end']);
  });

  it('a change during a pass that ends before the debounce does is applied once the debounce ends', async () => {
    const h = loop();
    h.hold();
    h.change();
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    h.change();
    h.open();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.log).toEqual(['change 1', 'start saw 1', 'change 2', 'end']);
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(h.log).toEqual(['change 1', 'start saw 1', 'change 2', 'end', 'start saw 2', 'end']);
  });

  it('reports a pass that throws and goes on; a pass can ask for another', async () => {
    const h = loop();
    h.failNextPass(new Error('boom'));
    h.change();
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(h.errors).toEqual([new Error('boom')]);
    h.change();
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(h.log).toEqual(['change 1', 'start saw 1', 'end', 'change 2', 'start saw 2', 'end']);

    let passes = 0;
    const retrying: Resync = new Resync(() => {
      passes++;
      if (passes < 3) retrying.schedule();
      return Promise.resolve();
    }, { debounceMs: DEBOUNCE_MS, onError: () => undefined });
    retrying.schedule();
    await vi.advanceTimersByTimeAsync(10 * DEBOUNCE_MS);
    expect(passes).toBe(3);
  });

  it('stop() cancels a scheduled pass, waits for the running one and runs nothing after it', async () => {
    const h = loop();
    h.change();
    await h.resync.stop();
    await vi.advanceTimersByTimeAsync(10 * DEBOUNCE_MS);
    expect(h.log).toEqual(['change 1']);

    const g = loop();
    g.hold();
    g.change();
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    g.change();
    const stopped = g.resync.stop();
    expect(await isDone(stopped)).toBe(false);
    g.open();
    expect(await isDone(stopped)).toBe(true);
    g.change();
    await vi.advanceTimersByTimeAsync(10 * DEBOUNCE_MS);
    expect(g.log).toEqual(['change 1', 'start saw 1', 'change 2', 'end', 'change 3']);
  });

  it('settled() resolves once every change has been through a pass that started after it', async () => {
    const h = loop();
    expect(await isDone(h.resync.settled())).toBe(true);
    h.hold();
    h.change();
    const settled = h.resync.settled();
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    h.change();
    await vi.advanceTimersByTimeAsync(5 * DEBOUNCE_MS);
    expect(await isDone(settled)).toBe(false);
    h.open(); // the first pass ends; the second (for change 2) starts and ends at once
    expect(await isDone(settled)).toBe(true);
    expect(h.log).toEqual(['change 1', 'start saw 1', 'change 2', 'end', 'start saw 2', 'end']);
  });

  it('held: records changes without a pass until release(), which runs one at once', async () => {
    const h = loop({ held: true });
    h.change();
    h.change();
    await vi.advanceTimersByTimeAsync(10 * DEBOUNCE_MS);
    expect(h.log).toEqual(['change 1', 'change 2']);
    const settled = h.resync.settled();
    expect(await isDone(settled)).toBe(false);
    h.resync.release();
    expect(await isDone(settled)).toBe(true);
    expect(h.log).toEqual(['change 1', 'change 2', 'start saw 2', 'end']);

    const quiet = loop({ held: true });
    quiet.resync.release();
    await vi.advanceTimersByTimeAsync(10 * DEBOUNCE_MS);
    expect(quiet.log).toEqual([]);
    quiet.change();
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(quiet.log).toEqual(['change 1', 'start saw 1', 'end']);
  });
});
