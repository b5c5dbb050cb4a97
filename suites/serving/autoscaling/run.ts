/**
 * The common frame of an autoscaling requirement: read the target's autoscaling configuration, start a
 * ScaleObserver, apply a probe Knative Service with the requirement's annotations, wait for Ready, find the
 * gateway; at the end (pass or not) keep the evidence -- the configuration used, the timeline, the
 * autoscaler's Events, the load -- as one JSON artifact per requirement in the report folder, and delete
 * the Service.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  discoverGateway, httpRequest, probeService, serviceRef, waitReady,
  type GatewayAddress, type HttpResponse, type KService, type LoadResult, type RequirementContext,
} from '../../../harness/index.ts';
import { readAutoscalerSettings, type AutoscalerSettings, type ReadSettings } from '../config-autoscaler.ts';
import { round2 } from './bounds.ts';
import { concurrencyLoadSpec, concurrencySeries, HOLD_MS, loadFacts, loadShortfall, type LoadFacts } from './load.ts';
import { ScaleObserver } from './observer.ts';

export interface ScaleRun {
  readonly ctx: RequirementContext;
  readonly name: string;
  readonly config: AutoscalerSettings;
  readonly observer: ScaleObserver;
  readonly svc: KService;
  readonly url: string;
  readonly revision: string;
  readonly gateway: GatewayAddress;
  /** Client times (ms): the Service applied, seen Ready. */
  readonly appliedMs: number;
  readonly readyMs: number;
  /** Anything the requirement adds to its artifact (bounds, load facts, ...). */
  readonly data: Record<string, unknown>;
  /** One request through the gateway (the Service's URL, with query). */
  request(query?: string): Promise<HttpResponse>;
  /** Seconds since the observer's t0, for evidence. */
  rel(ms: number): number;
  /** Writes the artifact, stops watching and deletes the Service; call in `finally`. */
  finish(): Promise<void>;
}

export interface ScaleRunOptions {
  name: string;
  annotations?: Record<string, string>;
  /** The longest the requirement can run: bounds the watches. */
  maxSeconds: number;
}

/**
 * min-scale 1 for a revision that waits, idle, for the target (`ctx.lightLoad`) before its load: without
 * it the revision could be at zero when the load starts, and its scale-up would begin with a cold start.
 */
export const STAY_UP = { 'autoscaling.knative.dev/min-scale': '1' } as const;

/** The target's config-autoscaler, read once per requirement before anything is applied. */
export async function readConfig(ctx: RequirementContext): Promise<ReadSettings> {
  return readAutoscalerSettings(ctx.cluster);
}

export async function startScaleRun(ctx: RequirementContext, read: ReadSettings, o: ScaleRunOptions): Promise<ScaleRun> {
  const { cluster, settings, log } = ctx;
  log.note(read.configMapFound
    ? 'bounds derive from knative-serving/config-autoscaler (absent keys: Knative defaults) and the annotations applied'
    : 'knative-serving/config-autoscaler not found: bounds derive from Knative\'s defaults and the annotations applied');
  const observer = await ScaleObserver.start(cluster, o.name, { maxMs: o.maxSeconds * 1000, signal: ctx.signal });
  const data: Record<string, unknown> = {};
  let finished = false;
  const finish = async (): Promise<void> => {
    if (finished) return;
    finished = true;
    await writeArtifact(ctx, o, read, observer, data).catch((e: unknown) => log.note(`could not write the artifact: ${(e as Error).message}`));
    await observer.stop();
    await cluster.delete(serviceRef(o.name)).catch((e: unknown) => log.note(`could not delete Service ${o.name}: ${(e as Error).message}`));
  };
  try {
    const appliedMs = observer.mark('applied');
    await cluster.apply(probeService({ name: o.name, ...(o.annotations ? { annotations: o.annotations } : {}) }));
    const svc = await waitReady(cluster, o.name, settings.readyTimeoutSeconds * 1000, ctx.signal);
    const readyMs = observer.mark('ready');
    const url = ctx.require(svc.status?.url, 'Ready Service has no status.url');
    const revision = ctx.require(svc.status?.latestReadyRevisionName, 'Ready Service has no status.latestReadyRevisionName');
    const gateway = await discoverGateway(cluster, settings.gateway);
    log.observe('time to Ready', round2((readyMs - appliedMs) / 1000), { unit: 's', bound: `<= ${settings.readyTimeoutSeconds} s` });
    if (!observer.serves.podAutoscaler) log.note('the target serves no autoscaling.internal.knative.dev PodAutoscaler: the timeline has no desired/actual scale');
    return {
      ctx, name: o.name, config: read.settings, observer, svc, url, revision, gateway, appliedMs, readyMs, data,
      request: (query = '') => httpRequest({ url: `${url}/${query}`, via: gateway, timeoutMs: settings.requestTimeoutSeconds * 1000, signal: ctx.signal }),
      rel: (ms: number) => observer.rel(ms),
      finish,
    };
  } catch (e) {
    await finish();
    throw e;
  }
}

async function writeArtifact(
  ctx: RequirementContext, o: ScaleRunOptions, read: ReadSettings, observer: ScaleObserver, data: Record<string, unknown>,
): Promise<void> {
  const id = ctx.declaration.id;
  const rel = join('autoscaling', `${id}.json`);
  const file = join(ctx.reportDir, rel);
  mkdirSync(join(ctx.reportDir, 'autoscaling'), { recursive: true });
  const events = await observer.events();
  const doc = {
    requirement: id,
    service: `${ctx.cluster.namespace}/${o.name}`,
    annotations: o.annotations ?? {},
    t0: new Date(observer.t0).toISOString(),
    clock: 't: seconds since t0 on the client clock; watch events are timed on arrival',
    config: read.used,
    serves: observer.serves,
    marks: Object.fromEntries(Object.entries(observer.marks).map(([k, v]) => [k, observer.rel(v)])),
    podStartSeconds: observer.podStartSeconds() ?? null,
    timelineColumns: ['t', 'desired (PodAutoscaler status.desiredScale)', 'actual (status.actualScale)', 'ready pods'],
    timeline: observer.timeline,
    livePods: observer.podsTimeline,
    sksMode: observer.modes,
    autoscalerEvents: events,
    ...data,
  };
  writeFileSync(file, `${compactJson(doc)}\n`);
  ctx.log.artifact(rel);
  ctx.log.observe('timeline t:desired/actual/ready', observer.compact());
  const modes = observer.modes.map(([t, m]) => `${t.toFixed(1)}s:${m ?? '-'}`).join(' ');
  if (observer.serves.serverlessService) ctx.log.observe('ServerlessService mode t:mode', modes);
  if (events.length) ctx.log.note(`autoscaler Events on the PodAutoscaler: ${events.length} (in ${rel})`);
}

/**
 * `ctx.must` and `ctx.should` with the failure detail worked out only when the claim does not hold: the
 * details read the timeline at the moment the claim failed, which does not exist when it held.
 */
export function assertions(ctx: RequirementContext): {
  must: (claim: string, holds: boolean, otherwise: () => string) => void;
  should: (claim: string, holds: boolean, otherwise: () => string) => void;
} {
  return {
    must: (claim, holds, otherwise) => ctx.must(claim, holds, holds ? undefined : otherwise()),
    should: (claim, holds, otherwise) => ctx.should(claim, holds, holds ? undefined : otherwise()),
  };
}

/** JSON with one key per line but arrays of plain values on one line: timelines stay a line per entry. */
export function compactJson(value: unknown): string {
  // JSON strings hold no raw newlines: only the formatting's line breaks are touched.
  return JSON.stringify(value, null, 1).replace(/\[[^[\]{}]*\]/g, (m) => m.replace(/\[\s*\n\s*/g, '[').replace(/\s*\n\s*\]/g, ']').replace(/\s*\n\s*/g, ' '));
}

export interface OfferedLoad {
  facts: LoadFacts;
  requests: number;
  achievedRate: number;
  droppedIterations: number;
  /** Why the load generator fell short of the plan, if it did. */
  shortfall: string | undefined;
}

/**
 * Offers the Service k6 load in phases of constant rate, each request held HOLD_MS by the probe, and keeps
 * what the load did in the artifact: rates, status and pod counts, and the concurrency it offered per
 * second (the metric the KPA scales on, as the client saw it).
 *
 * With `until`, one phase runs as consecutive k6 runs of `chunkSeconds`, each started as the previous
 * one's arrivals end, and no further run starts once `stop()` holds: a load whose needed length is only
 * known as it runs. The records of all runs are judged together.
 */
export async function offerLoad(
  run: ScaleRun, name: string, phases: { rate: number; seconds: number }[], until?: { chunkSeconds: number; stop: () => boolean },
): Promise<OfferedLoad> {
  const { ctx, observer: o } = run;
  const parts: { result: LoadResult; facts: LoadFacts; planned: number }[] = [];
  const runOne = async (label: string, ph: { rate: number; seconds: number }[]) => {
    o.mark(`${label}: k6 started`);
    const result = await ctx.load(concurrencyLoadSpec({ name: label, url: run.url, gateway: run.gateway, phases: ph }));
    o.mark(`${label}: k6 ended`);
    parts.push({ result, facts: loadFacts(result), planned: ph.reduce((n, p) => n + p.rate * p.seconds, 0) });
  };
  if (!until) {
    await runOne(name, phases);
  } else {
    const [phase] = phases;
    if (!phase || phases.length !== 1) throw new Error('offerLoad: a chunked load has exactly one phase');
    // Each run starts when the previous one's arrivals end (not when its last responses are in), so that
    // the arrivals go on without a gap but for k6's start-up jitter.
    const startedMs = Date.now();
    const running: Promise<void>[] = [];
    for (let done = 0, k = 1; done < phase.seconds; k++) {
      if (k > 1) {
        await o.sleep(startedMs + done * 1000 - Date.now());
        if (until.stop() || ctx.signal.aborted) break;
      }
      const seconds = Math.min(until.chunkSeconds, phase.seconds - done);
      running.push(runOne(`${name}-${k}`, [{ rate: phase.rate, seconds }]));
      done += seconds;
    }
    await Promise.all(running);
  }
  const records = parts.flatMap((p) => p.facts.records);
  const sum = (f: (p: (typeof parts)[number]) => number) => parts.reduce((n, p) => n + f(p), 0);
  const merge = (f: (p: LoadFacts) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const p of parts) for (const [k, v] of Object.entries(f(p.facts))) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const facts: LoadFacts = {
    records, startMs: Math.min(...parts.map((p) => p.facts.startMs)), endMs: Math.max(...parts.map((p) => p.facts.endMs)),
    errors: sum((p) => p.facts.errors), statusCounts: merge((f) => f.statusCounts), pods: merge((f) => f.pods),
  };
  const requests = sum((p) => p.result.requests);
  const ranS = sum((p) => (p.result.achievedRate > 0 ? p.result.requests / p.result.achievedRate : 0));
  const achievedRate = ranS > 0 ? requests / ranS : 0;
  const droppedIterations = sum((p) => p.result.droppedIterations);
  const shortfalls = parts.map((p) => loadShortfall(p.result, p.planned)).filter((x): x is string => x !== undefined);
  const shortfall = shortfalls.length ? shortfalls.join('; ') : undefined;
  if (Number.isFinite(facts.startMs)) {
    o.mark(`${name}: first request`, facts.startMs);
    o.mark(`${name}: last response`, facts.endMs);
  }
  const plan = phases.map((p) => `${p.rate}/s x ${p.seconds} s`).join(' then ');
  ctx.log.observe(`${name}: achieved rate`, round2(achievedRate), {
    unit: 'req/s', bound: until ? `planned ${plan} at most, in ${until.chunkSeconds} s runs (${parts.length} ran)` : `planned ${plan}`,
  });
  ctx.log.observe(`${name}: dropped iterations`, droppedIterations);
  ctx.log.observe(`${name}: 5xx or no response`, facts.errors, { bound: `of ${requests} requests` });
  if (shortfall) ctx.log.note(`${name}: ${shortfall}`);
  run.data[name] = {
    phases, ...(until ? { chunkSeconds: until.chunkSeconds, runs: parts.length } : {}), holdMs: HOLD_MS, requests, achievedRate: round2(achievedRate),
    droppedIterations, statusCounts: facts.statusCounts, answeredByPod: facts.pods, shortfall: shortfall ?? null,
    concurrencyColumns: ['t', 'requests in flight at the client (mean over the second)', 'requests in flight for at most the hold (the load on the platform)', 'requests started'],
    concurrency: Number.isFinite(facts.startMs) ? concurrencySeries(facts.records, o.t0, facts.startMs, facts.endMs) : [],
  };
  return { facts, requests, achievedRate, droppedIterations, shortfall };
}
