import { describe, expect, it } from 'vitest';
import { createWorkQueue } from './work-queue.ts';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('createWorkQueue', () => {
  it('holds keys while paused, and syncs a waiting key once', async () => {
    const synced: string[] = [];
    const q = createWorkQueue({ paused: true, sync: (k) => Promise.resolve(void synced.push(k)) });
    q.add('a');
    q.add('a');
    q.add('b');
    await tick();
    expect(synced).toEqual([]);
    q.resume();
    await tick();
    expect(synced).toEqual(['a', 'b']);
    await q.shutDown();
  });

  it('syncs a key added while it syncs again afterwards, never twice at once', async () => {
    let running = 0;
    let most = 0;
    let calls = 0;
    let release!: () => void;
    const q = createWorkQueue({
      sync: async () => {
        calls++;
        most = Math.max(most, ++running);
        if (calls === 1) await new Promise<void>((r) => (release = r));
        running--;
      },
    });
    q.add('a');
    await tick();
    q.add('a');
    q.add('a');
    release();
    await tick(10);
    expect([calls, most]).toEqual([2, 1]);
    await q.shutDown();
  });

  it('retries a failing key with back-off and reports each failure', async () => {
    const errors: string[] = [];
    let calls = 0;
    const q = createWorkQueue({
      baseDelayMs: 5,
      sync: () => (++calls < 3 ? Promise.reject(new Error(`fail ${calls}`)) : Promise.resolve()),
      onError: (k, e) => errors.push(`${k}: ${(e as Error).message}`),
    });
    q.add('a');
    await tick(60);
    expect(calls).toBe(3);
    expect(errors).toEqual(['a: fail 1', 'a: fail 2']);
    await q.shutDown();
  });

  it('keeps the earliest `after`, and shutDown waits for running syncs', async () => {
    const synced: string[] = [];
    let finished = false;
    const q = createWorkQueue({
      sync: async (k) => {
        synced.push(k);
        if (k === 'slow') {
          await tick(20);
          finished = true;
        }
      },
    });
    q.after('a', 1000);
    q.after('a', 5);
    await tick(30);
    expect(synced).toEqual(['a']);
    q.add('slow');
    q.after('b', 5);
    await q.shutDown();
    expect(finished).toBe(true);
    await tick(20);
    expect(synced).toEqual(['a', 'slow']);
  });
});
