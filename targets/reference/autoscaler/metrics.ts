/**
 * Per-revision metrics, as Knative's MetricCollector keeps them: every second, the revision's ready pods are
 * scraped (their queue-proxies' averages since the previous scrape) and the activator's latest stats for
 * the revision are added; the sum is recorded in one-second buckets, averaged over the stable and the panic
 * window. Requests the activator proxied are counted once: the queue-proxy reports them as proxied and
 * they are subtracted, as Knative does.
 */
import type { ActivatorStat } from '../serving/dataplane.ts';
import type { Observed } from './algorithm.ts';
import { BUCKET_MS } from './config.ts';
import type { ScalingMetric } from './scaling.ts';
import type { PodTarget, RevisionRef, RevisionScraper } from './scrape.ts';
import { TimedBuckets } from './windows.ts';

/** An activator report older than this no longer counts (the activator reports every second). */
export const ACTIVATOR_STAT_TTL_MS = 3000;

interface Sample {
  second: number;
  concurrency: number;
  rps: number;
}

/** One revision's windows: one combined sample per second. */
export class RevisionMetrics {
  private readonly concurrency: { stable: TimedBuckets; panic: TimedBuckets };
  private readonly rps: { stable: TimedBuckets; panic: TimedBuckets };
  private last: Sample | undefined;

  constructor(stableWindowMs: number, panicWindowMs: number) {
    this.concurrency = { stable: new TimedBuckets(stableWindowMs, BUCKET_MS), panic: new TimedBuckets(panicWindowMs, BUCKET_MS) };
    this.rps = { stable: new TimedBuckets(stableWindowMs, BUCKET_MS), panic: new TimedBuckets(panicWindowMs, BUCKET_MS) };
  }

  resize(stableWindowMs: number, panicWindowMs: number, nowMs: number): void {
    for (const w of [this.concurrency, this.rps]) {
      w.stable.resize(stableWindowMs, nowMs);
      w.panic.resize(panicWindowMs, nowMs);
    }
  }

  /** Records the revision's total for this second; a second sample in the same second replaces the first. */
  sample(nowMs: number, concurrency: number, rps: number): void {
    const second = Math.floor(nowMs / BUCKET_MS);
    const prev = this.last?.second === second ? this.last : { concurrency: 0, rps: 0 };
    for (const b of [this.concurrency.stable, this.concurrency.panic]) b.record(nowMs, concurrency - prev.concurrency);
    for (const b of [this.rps.stable, this.rps.panic]) b.record(nowMs, rps - prev.rps);
    this.last = { second, concurrency, rps };
  }

  /** The sample recorded for the second of `nowMs`, if any. */
  current(nowMs: number): { concurrency: number; rps: number } | undefined {
    return this.last?.second === Math.floor(nowMs / BUCKET_MS) ? this.last : undefined;
  }

  /** Stable and panic averages; undefined when `requireData` and nothing was recorded for a stable window. */
  observed(metric: ScalingMetric, nowMs: number, requireData: boolean): Observed | undefined {
    const w = metric === 'rps' ? this.rps : this.concurrency;
    if (requireData && w.stable.isEmpty(nowMs)) return undefined;
    return { stable: w.stable.windowAverage(nowMs), panic: w.panic.windowAverage(nowMs) };
  }
}

interface ActivatorState {
  concurrency: number;
  requests: number;
  reportedAtMs: number;
  consumedAtMs: number | undefined;
}

export interface CollectOptions {
  revision: RevisionRef;
  /** The revision's ready pods. */
  pods: readonly PodTarget[];
  /** False when target-burst-capacity is -1: the activator sees every request, pods are not scraped (Knative). */
  scrapePods: boolean;
  stableWindowMs: number;
  panicWindowMs: number;
  nowMs: number;
}

/** Metrics of every revision the autoscaler scales, keyed `namespace/name`. */
export class MetricCollector {
  private readonly revisions = new Map<string, RevisionMetrics>();
  private readonly activator = new Map<string, ActivatorState>();
  private readonly scrape: RevisionScraper;
  private readonly log: (line: string) => void;

  constructor(scrape: RevisionScraper, log: (line: string) => void) {
    this.scrape = scrape;
    this.log = log;
  }

  /** The activator's stats for a revision (AutoscalerLink.report), under the key of its PodAutoscaler. */
  report(key: string, stat: ActivatorStat, nowMs: number): void {
    const prev = this.activator.get(key);
    this.activator.set(key, {
      concurrency: Math.max(0, stat.concurrency),
      requests: (prev?.requests ?? 0) + Math.max(0, stat.requests),
      reportedAtMs: nowMs,
      consumedAtMs: prev?.consumedAtMs,
    });
  }

  /** Requests in the activator for the revision, as its latest report says (0 once the report is stale). */
  activatorConcurrency(key: string, nowMs: number): number {
    const a = this.activator.get(key);
    return a && nowMs - a.reportedAtMs <= ACTIVATOR_STAT_TTL_MS ? a.concurrency : 0;
  }

  windows(key: string, stableWindowMs: number, panicWindowMs: number, nowMs: number): RevisionMetrics {
    let m = this.revisions.get(key);
    if (!m) {
      m = new RevisionMetrics(stableWindowMs, panicWindowMs);
      this.revisions.set(key, m);
    } else {
      m.resize(stableWindowMs, panicWindowMs, nowMs);
    }
    return m;
  }

  /** One collection tick for a revision: scrape its pods, add the activator's stats, record the sum. */
  async collect(o: CollectOptions): Promise<void> {
    const key = `${o.revision.namespace}/${o.revision.name}`;
    const m = this.windows(key, o.stableWindowMs, o.panicWindowMs, o.nowMs);
    let pods: { concurrency: number; rps: number } | undefined;
    if (o.scrapePods && o.pods.length > 0) {
      try {
        const s = await this.scrape(o.revision, o.pods);
        if (s) pods = { concurrency: s.concurrency - s.proxiedConcurrency, rps: s.rps - s.proxiedRps };
      } catch (e) {
        this.log(`autoscaler: scraping ${key}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const a = this.activator.get(key);
    const fresh = a !== undefined && o.nowMs - a.reportedAtMs <= ACTIVATOR_STAT_TTL_MS;
    if (!pods && !fresh) return;
    let activatorRps = 0;
    if (a) {
      const since = a.consumedAtMs ?? o.nowMs - BUCKET_MS;
      activatorRps = a.requests / Math.max(1, (o.nowMs - since) / 1000);
      a.requests = 0;
      a.consumedAtMs = o.nowMs;
    }
    m.sample(o.nowMs, (pods?.concurrency ?? 0) + (fresh ? a.concurrency : 0), (pods?.rps ?? 0) + activatorRps);
  }

  /**
   * A request is waiting in the activator (a poke): this second's sample counts at least one request
   * there, so the next decision wants a pod at once.
   */
  pokeSample(key: string, stableWindowMs: number, panicWindowMs: number, nowMs: number): void {
    const m = this.windows(key, stableWindowMs, panicWindowMs, nowMs);
    const cur = m.current(nowMs);
    const waiting = Math.max(1, this.activatorConcurrency(key, nowMs));
    m.sample(nowMs, Math.max(cur?.concurrency ?? 0, waiting), cur?.rps ?? 0);
  }

  observed(key: string, metric: ScalingMetric, nowMs: number, requireData: boolean): Observed | undefined {
    const m = this.revisions.get(key);
    if (!m) return requireData ? undefined : { stable: 0, panic: 0 };
    return m.observed(metric, nowMs, requireData);
  }

  forget(key: string): void {
    this.revisions.delete(key);
    this.activator.delete(key);
  }
}
