import { RequestStats } from '../queue-proxy/request-stats.ts';
import type { ActivatorStat } from '../serving/dataplane.ts';

/** Knative's activator reports every second (pkg/activator/handler/concurrency_reporter.go). */
export const REPORT_INTERVAL_MS = 1000;

interface Entry {
  namespace: string;
  revision: string;
  /** Concurrency integrated over time since the last report, as Knative's activator keeps it (netstats). */
  stats: RequestStats;
  /** Requests already reported at once when the entry was made, not to be counted again at the next tick. */
  reportedEarly: number;
}

/**
 * Per-revision stats of the requests in the activator (held or being proxied), as Knative's concurrency
 * reporter keeps them: the first request for a revision with no stats yet is reported at once (that is what
 * scales it from zero), then every tick reports each revision seen since the last idle report; a revision
 * with nothing in flight and nothing new is reported once more with zeros and then forgotten.
 * `concurrency` is the time-weighted average number in the activator since the previous report, as
 * Knative's reporter sends it (dataplane.ts's contract); the report made at once says 1.
 */
export class ConcurrencyReporter {
  private readonly entries = new Map<string, Entry>();
  private readonly report: (stat: ActivatorStat) => void;
  private readonly now: () => number;

  /** `now`: the clock in ms (tests pass their own). */
  constructor(report: (stat: ActivatorStat) => void, now: () => number = Date.now) {
    this.report = report;
    this.now = now;
  }

  /** A request for the revision arrived; call the returned function (once) when it is done. */
  requestIn(namespace: string, revision: string): () => void {
    const key = `${namespace}/${revision}`;
    const now = this.now();
    let e = this.entries.get(key);
    if (e) {
      e.stats.requestIn(now, false);
    } else {
      e = { namespace, revision, stats: new RequestStats(now), reportedEarly: 1 };
      e.stats.requestIn(now, false);
      this.entries.set(key, e);
      this.report({ namespace, revision, concurrency: 1, requests: 1 });
    }
    const entry = e;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      entry.stats.requestOut(this.now(), false);
    };
  }

  /** One report per revision seen since its last idle report. */
  tick(): void {
    const now = this.now();
    for (const [key, e] of this.entries) {
      const r = e.stats.report(now);
      const requests = Math.max(0, r.requestCount - e.reportedEarly);
      e.reportedEarly = 0;
      this.report({ namespace: e.namespace, revision: e.revision, concurrency: r.averageConcurrency, requests });
      if (r.averageConcurrency === 0 && requests === 0 && e.stats.current === 0) this.entries.delete(key);
    }
  }
}
