import type { ActivatorStat } from '../serving/dataplane.ts';

/** Knative's activator reports every second (pkg/activator/handler/concurrency_reporter.go). */
export const REPORT_INTERVAL_MS = 1000;

interface Entry {
  namespace: string;
  revision: string;
  concurrency: number;
  requests: number;
  /** Requests already reported at once when the entry was made, not to be counted again at the next tick. */
  reportedEarly: number;
}

/**
 * Per-revision stats of the requests in the activator (held or being proxied), as Knative's concurrency
 * reporter keeps them: the first request for a revision with no stats yet is reported at once (that is what
 * scales it from zero), then every tick reports each revision seen since the last idle report; a revision
 * with nothing in flight and nothing new is reported once more with zeros and then forgotten.
 * `concurrency` is the number in the activator at the moment of the report (dataplane.ts's contract).
 */
export class ConcurrencyReporter {
  private readonly entries = new Map<string, Entry>();
  private readonly report: (stat: ActivatorStat) => void;

  constructor(report: (stat: ActivatorStat) => void) {
    this.report = report;
  }

  /** A request for the revision arrived; call the returned function (once) when it is done. */
  requestIn(namespace: string, revision: string): () => void {
    const key = `${namespace}/${revision}`;
    let e = this.entries.get(key);
    if (e) {
      e.concurrency++;
      e.requests++;
    } else {
      e = { namespace, revision, concurrency: 1, requests: 1, reportedEarly: 1 };
      this.entries.set(key, e);
      this.report({ namespace, revision, concurrency: 1, requests: 1 });
    }
    const entry = e;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      entry.concurrency = Math.max(0, entry.concurrency - 1);
    };
  }

  /** One report per revision seen since its last idle report. */
  tick(): void {
    for (const [key, e] of this.entries) {
      const requests = Math.max(0, e.requests - e.reportedEarly);
      e.requests = 0;
      e.reportedEarly = 0;
      this.report({ namespace: e.namespace, revision: e.revision, concurrency: e.concurrency, requests });
      if (e.concurrency === 0 && requests === 0) this.entries.delete(key);
    }
  }
}
