import { build, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary, SecondSample } from './result.ts';

/** One request as the k6 script records it: [epoch ms, duration ms, status, ...header values]. */
export type RequestRecord = [number, number, number, ...(string | null)[]];

export function newHistogram(): Histogram {
  // 1 µs to 1 h, 3 significant digits.
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

export function isError(status: number): boolean {
  return status === 0 || status >= 500;
}

/** Folds request records, one at a time, into the histogram, counts and per-second series. */
export class RecordAggregator {
  readonly histogram = newHistogram();
  readonly statusCounts: Record<string, number> = {};
  readonly headerCounts: Record<string, Record<string, number>>;
  private readonly perSecond = new Map<number, { requests: number; errors: number; histogram: Histogram }>();
  private first = Number.POSITIVE_INFINITY;
  private last = 0;
  requests = 0;
  private readonly headers: string[];

  constructor(headers: string[]) {
    this.headers = headers;
    this.headerCounts = Object.fromEntries(headers.map((h) => [h, {}]));
  }

  /** Takes one line of the k6 console output; lines that are not records are ignored. */
  addLine(line: string): void {
    const start = line.indexOf('[');
    if (start < 0) return;
    let rec: unknown;
    try {
      rec = JSON.parse(line.slice(start));
    } catch {
      return;
    }
    if (!Array.isArray(rec) || typeof rec[0] !== 'number' || typeof rec[1] !== 'number' || typeof rec[2] !== 'number') return;
    this.add(rec as RequestRecord);
  }

  add([at, durationMs, status, ...values]: RequestRecord): void {
    this.requests += 1;
    const us = Math.max(1, Math.round(durationMs * 1000));
    this.histogram.recordValue(us);
    this.statusCounts[String(status)] = (this.statusCounts[String(status)] ?? 0) + 1;
    this.headers.forEach((h, i) => {
      const v = values[i] ?? '(none)';
      const counts = this.headerCounts[h]!;
      counts[v] = (counts[v] ?? 0) + 1;
    });
    this.first = Math.min(this.first, at);
    this.last = Math.max(this.last, at);
    const sec = Math.floor(at / 1000);
    let bucket = this.perSecond.get(sec);
    if (!bucket) {
      bucket = { requests: 0, errors: 0, histogram: newHistogram() };
      this.perSecond.set(sec, bucket);
    }
    bucket.requests += 1;
    if (isError(status)) bucket.errors += 1;
    bucket.histogram.recordValue(us);
  }

  series(): SecondSample[] {
    if (this.requests === 0) return [];
    const firstSec = Math.floor(this.first / 1000);
    return [...this.perSecond.entries()]
      .sort(([a], [b]) => a - b)
      .map(([sec, b]) => ({ second: sec - firstSec, requests: b.requests, errors: b.errors, p99Ms: b.histogram.getValueAtPercentile(99) / 1000 }));
  }

  /** Seconds from the first request to the last. */
  spanSeconds(): number {
    return this.requests > 1 ? (this.last - this.first) / 1000 : 0;
  }

  latency(): LatencySummary {
    const h = this.histogram;
    const ms = (p: number) => h.getValueAtPercentile(p) / 1000;
    return { count: h.totalCount, p50Ms: ms(50), p90Ms: ms(90), p99Ms: ms(99), maxMs: h.maxValue / 1000 };
  }

  release(): void {
    for (const b of this.perSecond.values()) b.histogram.destroy();
  }
}

interface K6Summary {
  metrics?: Record<string, { values?: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>;
  state?: { testRunDurationMs?: number };
}

/** What the harness reads from k6's end-of-test summary. */
export function parseSummary(json: string): { droppedIterations: number; failedThresholds: string[]; testRunSeconds: number; httpReqs: number } {
  const s = JSON.parse(json) as K6Summary;
  const metrics = s.metrics ?? {};
  const failedThresholds = Object.entries(metrics).flatMap(([metric, m]) =>
    Object.entries(m.thresholds ?? {}).filter(([, t]) => !t.ok).map(([expr]) => `${metric}: ${expr}`),
  );
  return {
    droppedIterations: metrics.dropped_iterations?.values?.count ?? 0,
    failedThresholds,
    testRunSeconds: (s.state?.testRunDurationMs ?? 0) / 1000,
    httpReqs: metrics.http_reqs?.values?.count ?? 0,
  };
}
