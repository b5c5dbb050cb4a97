import { describe, expect, it } from 'vitest';
import { ACTIVATOR_STAT_TTL_MS, MetricCollector } from './metrics.ts';
import type { RevisionScraper, RevisionStat } from './scrape.ts';

const T0 = 1_700_000_000_000;
const KEY = 'ns/rev';
const rev = { namespace: 'ns', name: 'rev' };
const pods = [{ name: 'p1', ip: '127.0.0.2' }, { name: 'p2', ip: '127.0.0.3' }];
const stat = (s: Partial<RevisionStat>): RevisionStat => ({ concurrency: 0, proxiedConcurrency: 0, rps: 0, proxiedRps: 0, ...s });

function collector(next: () => RevisionStat | undefined) {
  const calls: number[] = [];
  const scrape: RevisionScraper = (_r, p) => {
    calls.push(p.length);
    return Promise.resolve(next());
  };
  const logs: string[] = [];
  return { c: new MetricCollector(scrape, (l) => logs.push(l)), calls, logs };
}
const tick = (c: MetricCollector, nowMs: number, o: { pods?: typeof pods; scrapePods?: boolean } = {}) =>
  c.collect({ revision: rev, pods: o.pods ?? pods, scrapePods: o.scrapePods ?? true, stableWindowMs: 6000, panicWindowMs: 1000, nowMs });

describe('MetricCollector', () => {
  it("records the pods' concurrency without what the activator proxied, plus the activator's own", async () => {
    const { c } = collector(() => stat({ concurrency: 12, proxiedConcurrency: 4, rps: 30, proxiedRps: 10 }));
    c.report(KEY, { namespace: 'ns', revision: 'rev', concurrency: 5, requests: 7 }, T0 + 200);
    await tick(c, T0 + 500);
    expect(c.observed(KEY, 'concurrency', T0 + 500, true)).toEqual({ stable: 13, panic: 13 });
    expect(c.observed(KEY, 'rps', T0 + 500, true)).toEqual({ stable: 27, panic: 27 });
  });

  it('no ready pods and no activator stats: no data (the decider keeps its last decision)', async () => {
    const { c, calls } = collector(() => stat({ concurrency: 1 }));
    await tick(c, T0, { pods: [] });
    expect(calls).toEqual([]);
    expect(c.observed(KEY, 'concurrency', T0, true)).toBeUndefined();
  });

  it('a failed scrape is no data, and is logged', async () => {
    const { c, logs } = collector(() => {
      throw new Error('connection refused');
    });
    await tick(c, T0);
    expect(c.observed(KEY, 'concurrency', T0, true)).toBeUndefined();
    expect(logs.join()).toContain('connection refused');
  });

  it('does not scrape pods when target-burst-capacity is -1 (the activator sees every request), and has no "no data" then', async () => {
    const { c, calls } = collector(() => stat({ concurrency: 100 }));
    await tick(c, T0, { scrapePods: false });
    expect(calls).toEqual([]);
    expect(c.observed(KEY, 'concurrency', T0, false)).toEqual({ stable: 0, panic: 0 });
  });

  it("an activator report older than the TTL no longer counts", async () => {
    const { c } = collector(() => undefined);
    c.report(KEY, { namespace: 'ns', revision: 'rev', concurrency: 3, requests: 0 }, T0);
    expect(c.activatorConcurrency(KEY, T0 + ACTIVATOR_STAT_TTL_MS)).toBe(3);
    expect(c.activatorConcurrency(KEY, T0 + ACTIVATOR_STAT_TTL_MS + 1)).toBe(0);
    await tick(c, T0 + ACTIVATOR_STAT_TTL_MS + 1, { pods: [] });
    expect(c.observed(KEY, 'concurrency', T0 + ACTIVATOR_STAT_TTL_MS + 1, true)).toBeUndefined();
  });

  it("the activator's requests become a rate over the time since the last tick", async () => {
    const { c } = collector(() => undefined);
    c.report(KEY, { namespace: 'ns', revision: 'rev', concurrency: 1, requests: 4 }, T0 + 100);
    await tick(c, T0 + 500, { pods: [] });
    c.report(KEY, { namespace: 'ns', revision: 'rev', concurrency: 1, requests: 10 }, T0 + 1200);
    c.report(KEY, { namespace: 'ns', revision: 'rev', concurrency: 1, requests: 10 }, T0 + 2200);
    await tick(c, T0 + 2500, { pods: [] });
    expect(c.observed(KEY, 'rps', T0 + 2500, true)?.panic).toBe(10);
  });

  it('a second sample in the same second replaces the first; a poke counts at least one waiting request', async () => {
    let n = 4;
    const { c } = collector(() => stat({ concurrency: n }));
    await tick(c, T0 + 100);
    n = 6;
    await tick(c, T0 + 900);
    expect(c.observed(KEY, 'concurrency', T0 + 900, true)).toEqual({ stable: 6, panic: 6 });
    c.pokeSample('ns/other', 6000, 1000, T0 + 900);
    expect(c.observed('ns/other', 'concurrency', T0 + 900, true)).toEqual({ stable: 1, panic: 1 });
  });

  it('forgets a revision', async () => {
    const { c } = collector(() => stat({ concurrency: 1 }));
    await tick(c, T0);
    c.forget(KEY);
    expect(c.observed(KEY, 'concurrency', T0, true)).toBeUndefined();
  });
});
