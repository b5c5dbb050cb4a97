/**
 * Request statistics as Knative keeps them (knative.dev/networking pkg/http/stats): concurrency integrated
 * over time, so that a report gives the time-weighted average concurrency of its window (two requests of
 * 500 ms each in a 1 s window average 1), plus the requests that arrived in the window. "Proxied" requests
 * are those that came through the activator; they count in both sets of numbers.
 */
export interface StatsReport {
  /** Length of the window, in seconds. */
  windowSeconds: number;
  averageConcurrency: number;
  averageProxiedConcurrency: number;
  /** Requests that arrived in the window. */
  requestCount: number;
  proxiedRequestCount: number;
}

export class RequestStats {
  private concurrency = 0;
  private proxiedConcurrency = 0;
  private lastChange: number;
  private windowStart: number;
  private requestCount = 0;
  private proxiedCount = 0;
  private concurrencyArea = 0;
  private proxiedArea = 0;

  /** `now` in milliseconds, from the same clock as every later call. */
  constructor(now: number) {
    this.lastChange = now;
    this.windowStart = now;
  }

  /** Requests in flight right now. */
  get current(): number {
    return this.concurrency;
  }

  requestIn(now: number, proxied: boolean): void {
    this.advance(now);
    this.concurrency++;
    this.requestCount++;
    if (proxied) {
      this.proxiedConcurrency++;
      this.proxiedCount++;
    }
  }

  requestOut(now: number, proxied: boolean): void {
    this.advance(now);
    this.concurrency = Math.max(0, this.concurrency - 1);
    if (proxied) this.proxiedConcurrency = Math.max(0, this.proxiedConcurrency - 1);
  }

  /** The averages since the previous report (or since construction), and a new window from `now`. */
  report(now: number): StatsReport {
    this.advance(now);
    const windowSeconds = Math.max(0, now - this.windowStart) / 1000;
    const report: StatsReport =
      windowSeconds > 0
        ? {
            windowSeconds,
            averageConcurrency: this.concurrencyArea / windowSeconds,
            averageProxiedConcurrency: this.proxiedArea / windowSeconds,
            requestCount: this.requestCount,
            proxiedRequestCount: this.proxiedCount,
          }
        : {
            // An empty window has no average: say what is in flight now.
            windowSeconds: 0,
            averageConcurrency: this.concurrency,
            averageProxiedConcurrency: this.proxiedConcurrency,
            requestCount: this.requestCount,
            proxiedRequestCount: this.proxiedCount,
          };
    this.windowStart = Math.max(now, this.windowStart);
    this.requestCount = 0;
    this.proxiedCount = 0;
    this.concurrencyArea = 0;
    this.proxiedArea = 0;
    return report;
  }

  private advance(now: number): void {
    const seconds = (now - this.lastChange) / 1000;
    if (seconds <= 0) return;
    this.concurrencyArea += this.concurrency * seconds;
    this.proxiedArea += this.proxiedConcurrency * seconds;
    this.lastChange = now;
  }
}
