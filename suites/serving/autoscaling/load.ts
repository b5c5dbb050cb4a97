/**
 * Load that gives a revision a known concurrency, and what the load actually did. The probe holds each
 * request `delayMs` (`?delay=`), so k6's constant-arrival-rate at `rate` requests per second keeps
 * about rate x delay requests in flight (Little's law): the metric Knative's KPA scales on by default.
 * The concurrency the load really offered is recomputed per request from k6's own records (start = end -
 * duration), on the same client clock as the ScaleObserver's timeline.
 */
import { readFileSync } from 'node:fs';
import { isError, type GatewayAddress, type LoadResult, type LoadSpec, type RequestRecord } from '../../../harness/index.ts';
import { round2 } from './bounds.ts';

/** How long the probe holds each request: long against the gateway's overhead, short against a window. */
export const HOLD_MS = 500;

/**
 * The integer request rate (per second) whose concurrency rate x hold asks for `pods` pods at `perPod` each:
 * half a pod's target below `pods` x perPod, so that overhead or a little shortfall does not change the count.
 */
export function rateFor(pods: number, perPod: number, holdMs = HOLD_MS): number {
  return Math.max(1, Math.round(((pods - 0.5) * perPod) / (holdMs / 1000)));
}

/** Pods the KPA wants for a concurrency at a per-pod target: ceil(concurrency / target). */
export function podsFor(concurrency: number, perPod: number): number {
  return Math.ceil(concurrency / perPod - 1e-9);
}

export interface ConcurrencyLoad {
  name: string;
  url: string;
  gateway: GatewayAddress;
  holdMs?: number;
  /** Constant rate for the duration, or stages of constant rates (a step between them). */
  phases: { rate: number; seconds: number }[];
}

/** The k6 load: constant-arrival-rate for one phase, ramping-arrival-rate with steps for several. */
export function concurrencyLoadSpec(l: ConcurrencyLoad): LoadSpec {
  const host = new URL(l.url).host;
  const holdMs = l.holdMs ?? HOLD_MS;
  const peak = Math.max(...l.phases.map((p) => p.rate));
  const vus = { preAllocatedVUs: Math.ceil(peak * (holdMs / 1000) * 2) + 5, maxVUs: Math.ceil(peak * (holdMs / 1000) * 6) + 20 };
  const first = l.phases[0]!;
  const STEP_S = 0.1;
  const executor: LoadSpec['executor'] = l.phases.length === 1
    ? { type: 'constant-arrival-rate', rate: first.rate, durationSeconds: first.seconds, ...vus }
    : {
      type: 'ramping-arrival-rate', startRate: first.rate, ...vus,
      stages: l.phases.flatMap((p, i) => [
        ...(i > 0 ? [{ target: p.rate, durationSeconds: STEP_S }] : []),
        { target: p.rate, durationSeconds: i > 0 ? Math.max(STEP_S, p.seconds - STEP_S) : p.seconds },
      ]),
    };
  return {
    name: l.name,
    url: `http://${l.gateway.host}:${l.gateway.port}/?delay=${holdMs}`,
    host,
    executor,
    countHeaders: ['x-gauntlet-pod'],
    requestTimeoutSeconds: 60,
  };
}

export interface LoadFacts {
  records: RequestRecord[];
  /** Client time (ms) of the first request's start and the last request's end. */
  startMs: number;
  endMs: number;
  /** Requests with status 0 (no response) or 5xx. */
  errors: number;
  statusCounts: Record<string, number>;
  pods: Record<string, number>;
}

export function loadFacts(r: LoadResult): LoadFacts {
  const records: RequestRecord[] = [];
  for (const line of readFileSync(r.files.records, 'utf8').split('\n')) {
    const at = line.indexOf('[');
    if (at < 0) continue;
    try {
      const rec = JSON.parse(line.slice(at)) as unknown;
      if (Array.isArray(rec) && typeof rec[0] === 'number' && typeof rec[1] === 'number' && typeof rec[2] === 'number') records.push(rec as RequestRecord);
    } catch {
      // not a record
    }
  }
  const startMs = records.length ? Math.min(...records.map((x) => x[0] - x[1])) : NaN;
  const endMs = records.length ? Math.max(...records.map((x) => x[0])) : NaN;
  return {
    records, startMs, endMs, errors: records.filter((x) => isError(x[2])).length, statusCounts: r.statusCounts,
    pods: r.headerCounts['x-gauntlet-pod'] ?? {},
  };
}

/**
 * The average number of requests in flight over [fromMs, toMs), from the records: as the client saw them
 * (each from its start to its end), or with `holdMs`, each for at most the probe's hold from its start --
 * the concurrency the load imposes on the platform at the least, whatever the client's own delays (a
 * load generator short of CPU sees every request longer than the platform does).
 */
export function concurrencyOver(records: readonly RequestRecord[], fromMs: number, toMs: number, holdMs?: number): number {
  if (toMs <= fromMs) return 0;
  let busy = 0;
  for (const [end, dur] of records) {
    const start = end - dur;
    const until = holdMs === undefined ? end : start + Math.min(dur, holdMs);
    busy += Math.max(0, Math.min(until, toMs) - Math.max(start, fromMs));
  }
  return busy / (toMs - fromMs);
}

/** Per second: [t, in flight as the client saw it, in flight for at most the hold, requests started], t relative to `t0Ms`. */
export function concurrencySeries(records: readonly RequestRecord[], t0Ms: number, fromMs: number, toMs: number): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (let a = fromMs; a < toMs; a += 1000) {
    const b = Math.min(toMs, a + 1000);
    const starts = records.filter(([end, dur]) => end - dur >= a && end - dur < a + 1000).length;
    out.push([round2((a - t0Ms) / 1000), round2(concurrencyOver(records, a, b)), round2(concurrencyOver(records, a, b, HOLD_MS)), starts]);
  }
  return out;
}

/**
 * Why the load generator fell short of what the requirement needed, or undefined when it did not: an
 * achieved rate below 90% of the rate asked for, or dropped iterations beyond 2% (k6 ran out of VUs).
 */
export function loadShortfall(r: LoadResult, plannedRequests: number): string | undefined {
  const asked = r.requestedRate ?? 0;
  const why: string[] = [];
  if (asked > 0 && r.achievedRate < 0.9 * asked) why.push(`achieved ${r.achievedRate.toFixed(1)} req/s of ${asked.toFixed(1)}`);
  if (r.droppedIterations > Math.max(1, 0.02 * plannedRequests)) why.push(`${r.droppedIterations} dropped iterations of ${plannedRequests}`);
  if (r.requests < 0.9 * plannedRequests) why.push(`${r.requests} requests of ${plannedRequests} planned`);
  return why.length ? `the load generator fell short (${why.join(', ')})` : undefined;
}
