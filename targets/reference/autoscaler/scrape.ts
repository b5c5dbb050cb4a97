/**
 * Scraping a revision's queue-proxies: GET http://<podIP>:9090/metrics on every ready pod (Prometheus text,
 * QUEUE_METRICS), summed over the pods. Knative scrapes a sample of the pods and extrapolates; the reference
 * scrapes them all and extrapolates only over pods that did not answer.
 */
import { QUEUE_METRICS, QUEUE_METRICS_PORT } from '../serving/dataplane.ts';

/** A revision's totals over its ready pods since the previous scrape (averages per pod, summed). */
export interface RevisionStat {
  /** Average concurrent requests, all of them (including those the activator proxied). */
  concurrency: number;
  /** Of those, the ones that came through the activator (already counted by the activator's own report). */
  proxiedConcurrency: number;
  rps: number;
  proxiedRps: number;
}

export interface PodTarget {
  name: string;
  ip: string;
}

export interface RevisionRef {
  namespace: string;
  name: string;
}

/** Scrapes a revision's ready pods; undefined or a throw: no data this time. Injectable for tests. */
export type RevisionScraper = (revision: RevisionRef, pods: readonly PodTarget[]) => Promise<RevisionStat | undefined>;

/** Sample name -> value, summed over a metric's series; comments and malformed lines are skipped. */
export function parsePrometheusText(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line.trim());
    if (!m) continue;
    const raw = m[3]!;
    const v = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    if (Number.isNaN(v)) continue;
    out.set(m[1]!, (out.get(m[1]!) ?? 0) + v);
  }
  return out;
}

export function statOfPod(samples: Map<string, number>): RevisionStat {
  return {
    concurrency: samples.get(QUEUE_METRICS.averageConcurrency) ?? 0,
    proxiedConcurrency: samples.get(QUEUE_METRICS.averageProxiedConcurrency) ?? 0,
    rps: samples.get(QUEUE_METRICS.requestsPerSecond) ?? 0,
    proxiedRps: samples.get(QUEUE_METRICS.proxiedRequestsPerSecond) ?? 0,
  };
}

/** The default scraper: every pod's queue-proxy over HTTP, each bounded by `timeoutMs`. */
export function httpRevisionScraper(opts: { timeoutMs?: number; port?: number } = {}): RevisionScraper {
  const timeoutMs = opts.timeoutMs ?? 1000;
  const port = opts.port ?? QUEUE_METRICS_PORT;
  return async (revision, pods) => {
    const results = await Promise.allSettled(pods.map(async (p) => {
      const res = await fetch(`http://${p.ip}:${port}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`${p.name}: HTTP ${res.status}`);
      return statOfPod(parsePrometheusText(await res.text()));
    }));
    const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (ok.length === 0) {
      const why = results.map((r) => (r.status === 'rejected' ? String((r.reason as Error).message ?? r.reason) : '')).filter(Boolean);
      throw new Error(`no pod of ${revision.namespace}/${revision.name} answered a scrape: ${why.join('; ')}`);
    }
    return scaleStat(sumStats(ok), pods.length / ok.length);
  };
}

export function sumStats(stats: readonly RevisionStat[]): RevisionStat {
  return stats.reduce((a, s) => ({
    concurrency: a.concurrency + s.concurrency,
    proxiedConcurrency: a.proxiedConcurrency + s.proxiedConcurrency,
    rps: a.rps + s.rps,
    proxiedRps: a.proxiedRps + s.proxiedRps,
  }), { concurrency: 0, proxiedConcurrency: 0, rps: 0, proxiedRps: 0 });
}

function scaleStat(s: RevisionStat, k: number): RevisionStat {
  return { concurrency: s.concurrency * k, proxiedConcurrency: s.proxiedConcurrency * k, rps: s.rps * k, proxiedRps: s.proxiedRps * k };
}
