import { describe, expect, it } from 'vitest';
import type { ActivatorStat } from '../serving/dataplane.ts';
import { ConcurrencyReporter } from './concurrency-reporter.ts';

describe('ConcurrencyReporter', () => {
  it('reports the first request at once, then every tick, then forgets an idle revision', () => {
    const stats: ActivatorStat[] = [];
    let now = 0;
    const r = new ConcurrencyReporter((s) => stats.push(s), () => now);
    const done1 = r.requestIn('ns', 'rev');
    expect(stats).toEqual([{ namespace: 'ns', revision: 'rev', concurrency: 1, requests: 1 }]);
    const done2 = r.requestIn('ns', 'rev');
    const done3 = r.requestIn('ns', 'rev');
    expect(stats).toHaveLength(1);
    done1();
    done1(); // twice is once
    now = 1000;
    r.tick();
    // The first request was already reported: the tick counts the two after it.
    expect(stats.at(-1)).toEqual({ namespace: 'ns', revision: 'rev', concurrency: 2, requests: 2 });
    done2();
    done3();
    now = 2000;
    r.tick();
    expect(stats.at(-1)).toEqual({ namespace: 'ns', revision: 'rev', concurrency: 0, requests: 0 });
    const n = stats.length;
    now = 3000;
    r.tick();
    expect(stats).toHaveLength(n); // forgotten
    r.requestIn('ns', 'rev')();
    expect(stats.at(-1)).toEqual({ namespace: 'ns', revision: 'rev', concurrency: 1, requests: 1 }); // at once again
  });

  it('keeps revisions apart', () => {
    const stats: ActivatorStat[] = [];
    let now = 0;
    const r = new ConcurrencyReporter((s) => stats.push(s), () => now);
    r.requestIn('a', 'x');
    r.requestIn('b', 'x');
    r.requestIn('b', 'x');
    now = 1000;
    r.tick();
    expect(stats.slice(2)).toEqual([
      { namespace: 'a', revision: 'x', concurrency: 1, requests: 0 },
      { namespace: 'b', revision: 'x', concurrency: 2, requests: 1 },
    ]);
  });

  it('reports the time-weighted average concurrency since the previous report, as Knative does', () => {
    const stats: ActivatorStat[] = [];
    let now = 0;
    const r = new ConcurrencyReporter((s) => stats.push(s), () => now);
    r.tick();
    const a = r.requestIn('ns', 'rev'); // reported at once: 1
    now = 250;
    const b = r.requestIn('ns', 'rev');
    now = 500;
    a();
    b();
    now = 1000;
    r.tick(); // 1 for 250 ms, 2 for 250 ms, 0 for 500 ms
    expect(stats.at(-1)).toEqual({ namespace: 'ns', revision: 'rev', concurrency: 0.75, requests: 1 });
    const c = r.requestIn('ns', 'rev');
    now = 1500;
    c();
    now = 2000;
    r.tick(); // a pause: half a second with one, half with none
    expect(stats.at(-1)).toEqual({ namespace: 'ns', revision: 'rev', concurrency: 0.5, requests: 1 });
  });
});
