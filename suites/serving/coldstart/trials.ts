import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverGateway, httpAttempt, type EvidenceLog, type RequirementContext } from '../../../harness/index.ts';
import { oneLine } from '../one-line.ts';
import { selectorFor, type ColdService } from './fleet.ts';
import { apiTimestamps, PodTimeline } from './timeline.ts';

/** One cold start: the first request to a Service at zero, with what the target exposed about its pod. */
export interface ColdStartTrial {
  service: string;
  revision: string;
  status: number;
  /** The transport error, or the start of a non-200 body. */
  problem?: string;
  /** Seconds from sending the request, on the harness clock. */
  firstByteS?: number;
  /** The pod that answered (x-gauntlet-pod), when one did. */
  pod?: string;
  /** It answered from a pod that existed before the request: not a cold start. */
  warm?: boolean;
  /** Seconds from sending the request until the watch saw the pod created, then Ready. */
  podCreatedS?: number;
  podReadyS?: number;
  /** The pod's own timestamps from the API (1 s resolution). */
  api?: Record<string, string>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const s = (ms: number) => Math.round(ms) / 1000;

/**
 * Sends the first request to each Service (all at zero), one after the other -- but never more than
 * `maxSpacingMs` after the previous one started, so that a slow target does not take k times its cold
 * start -- and reads each answering pod's creation and readiness from a pod watch started beforehand.
 */
export async function coldStartTrials(ctx: RequirementContext, services: readonly ColdService[], maxSpacingMs: number): Promise<ColdStartTrial[]> {
  const gateway = await discoverGateway(ctx.cluster, ctx.settings.gateway);
  ctx.log.note(`gateway ${gateway.host}:${gateway.port} from ${gateway.source}`);
  const timeline = new PodTimeline(ctx.cluster, selectorFor(services.map((x) => x.name)));
  await timeline.start();
  const trial = async (svc: ColdService): Promise<ColdStartTrial> => {
    const res = await httpAttempt({ url: svc.url, via: gateway, timeoutMs: ctx.settings.requestTimeoutSeconds * 1000, signal: ctx.signal });
    const t: ColdStartTrial = { service: svc.name, revision: svc.revision, status: res.status };
    if (res.firstByteMs !== undefined) t.firstByteS = s(res.firstByteMs);
    if (res.error) t.problem = res.error;
    else if (res.status !== 200) t.problem = `${res.status} ${oneLine(res.body)}`;
    const pod = res.headers['x-gauntlet-pod'];
    if (typeof pod === 'string' && pod !== '') {
      t.pod = pod;
      // The activator releases a request when the pod is Ready; the watch may report it a little later.
      const seen = await timeline.readySeen(pod, 3000);
      if (seen) {
        t.warm = seen.preexisting || seen.seenAt < res.sentAt;
        t.podCreatedS = s(seen.seenAt - res.sentAt);
        if (seen.readyAt !== undefined) t.podReadyS = s(seen.readyAt - res.sentAt);
        t.api = apiTimestamps(seen.last);
      }
    }
    return t;
  };
  try {
    const runs: Promise<ColdStartTrial>[] = [];
    for (const svc of services) {
      const run = trial(svc);
      runs.push(run);
      await Promise.race([run.catch(() => undefined), sleep(maxSpacingMs)]);
    }
    return await Promise.all(runs);
  } finally {
    timeline.stop();
  }
}

/** "pod created +0.04 s, Ready +0.29 s, first byte +0.33 s (pod x)" */
export function phasesOf(t: ColdStartTrial): string {
  const parts = [
    t.podCreatedS !== undefined ? `pod created +${t.podCreatedS.toFixed(2)} s` : 'no pod seen created',
    t.podReadyS !== undefined ? `Ready +${t.podReadyS.toFixed(2)} s` : 'not seen Ready',
    t.firstByteS !== undefined ? `first byte +${t.firstByteS.toFixed(2)} s` : 'no response',
  ];
  return `${parts.join(', ')}${t.pod ? ` (pod ${t.pod}${t.warm ? ', which existed before the request: not a cold start' : ''})` : ''}`;
}

/** Each trial's phases as observations. */
export function observeTrials(log: EvidenceLog, trials: readonly ColdStartTrial[]): void {
  trials.forEach((t, i) => {
    const name = `trial ${i + 1} (${t.service})`;
    log.observe(`${name}: HTTP status`, t.status, { bound: '= 200' });
    if (t.podCreatedS !== undefined) log.observe(`${name}: pod created`, t.podCreatedS, { unit: 's after the request' });
    if (t.podReadyS !== undefined) log.observe(`${name}: pod Ready`, t.podReadyS, { unit: 's after the request' });
    if (t.firstByteS !== undefined) log.observe(`${name}: first byte`, t.firstByteS, { unit: 's after the request' });
  });
}

/** The trials as JSON in the run's report folder; returns the path relative to it. */
export function writeTrials(reportDir: string, file: string, content: unknown): string {
  const dir = join(reportDir, 'coldstart');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), `${JSON.stringify(content, null, 2)}\n`);
  return `coldstart/${file}`;
}

/** Nearest-rank percentile: the smallest value with at least q of the sample at or below it. */
export function nearestRank(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}
