import { describe, expect, it } from 'vitest';
import type { ActivatorStat } from '../serving/dataplane.ts';
import { ConcurrencyReporter } from './concurrency-reporter.ts';

describe('ConcurrencyReporter', () => {
  it('reports the first request at once, then every tick, then forgets an idle revision', () => {
    const stats: ActivatorStat[] = [];
    const r = new ConcurrencyReporter((s) => stats.push(s));
    const done1 = r.requestIn('ns', 'rev');
    expect(stats).toEqual([{ namespace: 'ns', revision: 'rev', concurrency: 1, requests: 1 }]);
    const done2 = r.requestIn('ns', 'rev');
    const done3 = r.requestIn('ns', 'rev');
    expect(stats).toHaveLength(1);
    done1();
    done1(); // twice is once
    r.tick();
    // The first request was already reported: the tick counts the two after it.
    expect(stats.at(-1)).toEqual({ namespace: 'ns', revision: 'rev', concurrency: 2, requests: 2 });
    done2();
    done3();
    r.tick();
    expect(stats.at(-1)).toEqual({ namespace: 'ns', revision: 'rev', concurrency: 0, requests: 0 });
    const n = stats.length;
    r.tick();
    expect(stats).toHaveLength(n); // forgotten
    r.requestIn('ns', 'rev')();
    expect(stats.at(-1)).toEqual({ namespace: 'ns', revision: 'rev', concurrency: 1, requests: 1 }); // at once again
  });

  it('keeps revisions apart', () => {
    const stats: ActivatorStat[] = [];
    const r = new ConcurrencyReporter((s) => stats.push(s));
    r.requestIn('a', 'x');
    r.requestIn('b', 'x');
    r.requestIn('b', 'x');
    r.tick();
    expect(stats.slice(2)).toEqual([
      { namespace: 'a', revision: 'x', concurrency: 1, requests: 0 },
      { namespace: 'b', revision: 'x', concurrency: 2, requests: 1 },
    ]);
  });
});
