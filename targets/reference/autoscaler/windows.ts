/**
 * Knative's time-bucketed window average (pkg/autoscaler/aggregation/bucketing.go, TimedFloat64Buckets):
 * values recorded in the same bucket add up; the average is over the buckets since the first write
 * (a partial window at first), recent buckets without writes are left out rather than counted as 0, and a
 * window without any write averages to 0. Times are milliseconds from an injected clock.
 */
export class TimedBuckets {
  private buckets: number[];
  private windowMs: number;
  private readonly granularityMs: number;
  /** Bucket start time of the first write since the window was last empty; undefined before any write. */
  private firstWrite: number | undefined;
  private lastWrite = Number.NEGATIVE_INFINITY;
  private windowTotal = 0;

  constructor(windowMs: number, granularityMs: number) {
    this.windowMs = windowMs;
    this.granularityMs = granularityMs;
    this.buckets = new Array<number>(Math.ceil(windowMs / granularityMs)).fill(0);
  }

  get window(): number {
    return this.windowMs;
  }

  private truncate(t: number): number {
    return Math.floor(t / this.granularityMs) * this.granularityMs;
  }

  private index(t: number): number {
    return Math.floor(t / this.granularityMs);
  }

  private slot(i: number): number {
    const n = this.buckets.length;
    return ((i % n) + n) % n;
  }

  /** True when nothing was written during the last window. */
  isEmpty(nowMs: number): boolean {
    return this.truncate(nowMs) - this.lastWrite > this.windowMs;
  }

  record(nowMs: number, value: number): void {
    const bucketTime = this.truncate(nowMs);
    const writeIdx = this.index(nowMs);
    if (this.lastWrite !== bucketTime) {
      if (!(bucketTime + this.windowMs > this.lastWrite)) return; // older than a window: dropped
      if (this.firstWrite === undefined || this.firstWrite > bucketTime) this.firstWrite = bucketTime;
      if (bucketTime > this.lastWrite) {
        if (bucketTime - this.lastWrite >= this.windowMs) {
          this.firstWrite = bucketTime;
          this.buckets.fill(0);
          this.windowTotal = 0;
        } else {
          for (let i = this.index(this.lastWrite) + 1; i <= writeIdx; i++) {
            const s = this.slot(i);
            this.windowTotal -= this.buckets[s]!;
            this.buckets[s] = 0;
          }
        }
        this.lastWrite = bucketTime;
      }
    }
    const s = this.slot(writeIdx);
    this.buckets[s]! += value;
    this.windowTotal += value;
  }

  windowAverage(nowMs: number): number {
    const now = this.truncate(nowMs);
    const d = now - this.lastWrite;
    const written = this.firstWrite === undefined ? 0 : (this.lastWrite - this.firstWrite) / this.granularityMs + 1;
    if (d <= 0) return round6(this.windowTotal / Math.min(written, this.buckets.length));
    if (d < this.windowMs) {
      const st = this.index(this.lastWrite);
      const e = this.index(now);
      let ret = this.windowTotal;
      for (let i = st + 1; i <= e; i++) ret -= this.buckets[this.slot(i)]!;
      return round6(ret / Math.min(written, this.buckets.length - (e - st)));
    }
    return 0;
  }

  /** ResizeWindow: keeps the newest buckets that fit when the window changes. */
  resize(windowMs: number, nowMs: number): void {
    if (windowMs === this.windowMs) return;
    const n = Math.ceil(windowMs / this.granularityMs);
    const next = new Array<number>(n).fill(0);
    let total = 0;
    if (this.truncate(nowMs) - this.lastWrite <= this.windowMs) {
      const old = this.buckets.length;
      let t = this.index(this.lastWrite);
      for (let k = 0; k < Math.min(n, old); k++, t--) {
        const v = this.buckets[this.slot(t)]!;
        next[((t % n) + n) % n] = v;
        total += v;
      }
      this.firstWrite = this.lastWrite - (old - 1) * this.granularityMs;
    } else {
      this.firstWrite = undefined;
    }
    this.windowMs = windowMs;
    this.buckets = next;
    this.windowTotal = total;
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
