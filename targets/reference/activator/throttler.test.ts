import { describe, expect, it } from 'vitest';
import { QueueFullError } from '../queue-proxy/breaker.ts';
import { RevisionThrottler, type Lease } from './throttler.ts';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('RevisionThrottler', () => {
  it('holds requests while no pod is ready and releases them, in order, as soon as one is', async () => {
    const t = new RevisionThrottler({ containerConcurrency: 0 });
    expect(t.capacity).toBe(0);
    const order: string[] = [];
    const held = ['a', 'b', 'c'].map((n) => t.acquire().then((l) => (order.push(n), l)));
    await tick();
    expect(t.waiting).toBe(3);
    t.update({ containerConcurrency: 0, dests: ['10.0.0.1:8012'] });
    const leases = await Promise.all(held);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(leases.map((l) => l.dest)).toEqual(['10.0.0.1:8012', '10.0.0.1:8012', '10.0.0.1:8012']);
    expect(t.capacity).toBe(Infinity);
    for (const l of leases) l.release();
    expect(t.active).toBe(0);
  });

  it('capacity is ready pods x containerConcurrency; each pod takes at most cc', async () => {
    const t = new RevisionThrottler({ containerConcurrency: 2 });
    t.update({ containerConcurrency: 2, dests: ['p1', 'p2'] });
    expect(t.capacity).toBe(4);
    const leases: Lease[] = [];
    for (let i = 0; i < 4; i++) leases.push(await t.acquire());
    const perPod = (ls: Lease[]) => ls.reduce<Record<string, number>>((m, l) => ({ ...m, [l.dest]: (m[l.dest] ?? 0) + 1 }), {});
    expect(perPod(leases)).toEqual({ p1: 2, p2: 2 });
    const fifth = t.acquire();
    await tick();
    expect(t.waiting).toBe(1);
    leases[2]!.release();
    const l5 = await fifth;
    expect(l5.dest).toBe(leases[2]!.dest);
    // A third pod turns ready: the next request goes there at once.
    t.update({ containerConcurrency: 2, dests: ['p1', 'p2', 'p3'] });
    expect((await t.acquire()).dest).toBe('p3');
  });

  it('low cc picks the first pod with a free slot; higher cc goes round robin', async () => {
    const low = new RevisionThrottler({ containerConcurrency: 1 });
    low.update({ containerConcurrency: 1, dests: ['b', 'a', 'c'] });
    const first = await low.acquire();
    expect(first.dest).toBe('a');
    first.release();
    expect((await low.acquire()).dest).toBe('a');
    const rr = new RevisionThrottler({ containerConcurrency: 10 });
    rr.update({ containerConcurrency: 10, dests: ['a', 'b', 'c'] });
    const dests = [];
    for (let i = 0; i < 6; i++) dests.push((await rr.acquire()).dest);
    expect(dests).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('cc 0 picks the less loaded of two pods (power of two choices)', async () => {
    let n = 0;
    const seq = [0, 0, 0.9]; // first pick: pods 0 and 1, then a coin
    const t = new RevisionThrottler({ containerConcurrency: 0, random: () => seq[n++ % seq.length]! });
    t.update({ containerConcurrency: 0, dests: ['a', 'b'] });
    const l1 = await t.acquire();
    const l2 = await t.acquire();
    expect(new Set([l1.dest, l2.dest])).toEqual(new Set(['a', 'b'])); // the second avoids the loaded one
  });

  it('a pod that goes away takes no new requests; a returning one starts empty', async () => {
    const t = new RevisionThrottler({ containerConcurrency: 1 });
    t.update({ containerConcurrency: 1, dests: ['a'] });
    const la = await t.acquire();
    t.update({ containerConcurrency: 1, dests: ['b'] });
    const lb = await t.acquire();
    expect(lb.dest).toBe('b');
    const waiting = t.acquire();
    la.release(); // the old pod's slot does not let anyone through to b
    await tick();
    expect(t.waiting).toBe(1);
    lb.release();
    expect((await waiting).dest).toBe('b');
  });

  it('bounds its queue, drops aborted waiters, and fails them all when told', async () => {
    const t = new RevisionThrottler({ containerConcurrency: 1, queueDepth: 2 });
    const ac = new AbortController();
    const a = t.acquire(ac.signal);
    const b = t.acquire();
    await expect(t.acquire()).rejects.toBeInstanceOf(QueueFullError);
    ac.abort(new Error('timeout'));
    await expect(a).rejects.toThrow('timeout');
    expect(t.waiting).toBe(1);
    t.failAll(new Error('gone'));
    await expect(b).rejects.toThrow('gone');
    expect(t.waiting).toBe(0);
  });
});
