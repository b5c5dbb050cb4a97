import { describe, expect, it } from 'vitest';
import { Breaker, QUEUE_FULL_MESSAGE, QueueFullError, queueDepthFor, type Release } from './breaker.ts';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('Breaker', () => {
  it('sizes the queue as Knative does: 10 x containerConcurrency', () => {
    expect(queueDepthFor(1)).toBe(10);
    expect(queueDepthFor(7)).toBe(70);
  });

  it('lets maxConcurrency through at once and queues the rest, first come first served', async () => {
    const b = new Breaker({ maxConcurrency: 2, queueDepth: 10 });
    const r1 = await b.acquire();
    const r2 = await b.acquire();
    expect(b.running).toBe(2);
    const order: number[] = [];
    const waiting = [3, 4, 5].map((n) => b.acquire().then((release) => (order.push(n), release)));
    await tick();
    expect(b.waiting).toBe(3);
    expect(b.inFlight).toBe(5);
    expect(order).toEqual([]);
    r1();
    await tick();
    expect(order).toEqual([3]);
    expect(b.running).toBe(2);
    r2();
    r2(); // a second release of the same slot does nothing
    await tick();
    expect(order).toEqual([3, 4]);
    expect(b.running).toBe(2);
    const releases = await Promise.all(waiting.slice(0, 2));
    for (const r of releases) r();
    await tick();
    expect(order).toEqual([3, 4, 5]);
    (await waiting[2]!)();
    expect(b.inFlight).toBe(0);
  });

  it('never runs more than maxConcurrency however the requests interleave', async () => {
    const b = new Breaker({ maxConcurrency: 3, queueDepth: 100 });
    let running = 0;
    let max = 0;
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const release = await b.acquire();
        running++;
        max = Math.max(max, running);
        await new Promise((r) => setTimeout(r, i % 5));
        running--;
        release();
      }),
    );
    expect(max).toBe(3);
    expect(b.inFlight).toBe(0);
  });

  it('fails at once with "pending request queue full" when the queue is full', async () => {
    const b = new Breaker({ maxConcurrency: 1, queueDepth: 2 });
    const first = await b.acquire();
    const queued = [b.acquire(), b.acquire()];
    const err = await b.acquire().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueFullError);
    expect((err as Error).message).toBe(QUEUE_FULL_MESSAGE);
    first();
    const r = await queued[0]!;
    // A slot freed in the queue: one more may wait again.
    const again = b.acquire();
    r();
    (await queued[1]!)();
    (await again)();
    expect(b.inFlight).toBe(0);
  });

  it('drops a waiter whose signal aborts, with the signal\'s reason, and keeps the others', async () => {
    const b = new Breaker({ maxConcurrency: 1, queueDepth: 5 });
    const first = await b.acquire();
    const ac = new AbortController();
    const abandoned = b.acquire(ac.signal);
    const kept = b.acquire();
    ac.abort(new Error('deadline'));
    await expect(abandoned).rejects.toThrow('deadline');
    expect(b.waiting).toBe(1);
    first();
    const release: Release = await kept;
    expect(b.running).toBe(1);
    release();
    await expect(b.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('refuses nonsense parameters', () => {
    expect(() => new Breaker({ maxConcurrency: 0, queueDepth: 1 })).toThrow(/max concurrency/);
    expect(() => new Breaker({ maxConcurrency: 1, queueDepth: 0 })).toThrow(/queue depth/);
  });
});
