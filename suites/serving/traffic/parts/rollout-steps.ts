import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EvidenceLog, RequirementContext } from '../../../../harness/index.ts';
import { label, setTraffic, type RevisionedService } from './revisions.ts';

/** One traffic step as applied while the load ran. */
export interface AppliedStep {
  label: string;
  percents: Record<string, number>;
  /** Epoch ms the new spec.traffic was sent; 0 for the split in place before the load. */
  appliedAt: number;
  /** Seconds from sending it to the Service being Ready with it. */
  readySeconds: number;
}

export interface StepTiming {
  /** Seconds of load before the first step. */
  leadSeconds: number;
  /** Seconds from one step's patch to the next, or longer when Ready takes longer. */
  periodSeconds: number;
  /** Least seconds under load after a step is Ready before the next. */
  dwellSeconds: number;
}

/** How long a constant load must run to span every step with this timing (and a second after the last). */
export function loadSeconds(t: StepTiming, steps: number): number {
  return t.leadSeconds + steps * t.periodSeconds + 1;
}

/** Applies each split in turn, each awaited Ready, at the timing's pace; `first` is the split in place already. */
export async function applySteps(ctx: RequirementContext, svc: RevisionedService, first: Record<string, number>, next: Record<string, number>[], t: StepTiming): Promise<AppliedStep[]> {
  const applied: AppliedStep[] = [{ label: label(first), percents: first, appliedAt: 0, readySeconds: 0 }];
  await sleep(t.leadSeconds * 1000, undefined, { signal: ctx.signal });
  for (const percents of next) {
    const appliedAt = Date.now();
    const readySeconds = await setTraffic(ctx, svc, percents);
    applied.push({ label: label(percents), percents, appliedAt, readySeconds });
    const wait = Math.max(appliedAt + t.periodSeconds * 1000 - Date.now(), t.dwellSeconds * 1000);
    await sleep(wait, undefined, { signal: ctx.signal });
  }
  return applied;
}

export interface StepOutcome {
  step: AppliedStep;
  requests: number;
  /** Answers that were not 2xx, by status (0: no response: connection error or timeout). */
  failures: Record<string, number>;
  /** Answers by the revision that gave them. */
  revisions: Record<string, number>;
  /** When the failed requests were sent, in seconds after the step's patch (the load's start for the first). */
  failedSent?: { first: number; last: number };
}

/**
 * Attributes each request of the k6 load (its per-request records: [end epoch ms, duration ms, status,
 * revision]) to the step in force when it was sent, and counts per step.
 */
export function stepOutcomes(recordsFile: string, steps: readonly AppliedStep[]): StepOutcome[] {
  const out: StepOutcome[] = steps.map((step) => ({ step, requests: 0, failures: {}, revisions: {} }));
  const records = readRecords(recordsFile);
  const firstSent = Math.min(...records.map(([end, duration]) => end - duration));
  for (const [end, duration, status, revision] of records) {
    const sent = end - duration;
    let i = steps.length - 1;
    while (i > 0 && steps[i]!.appliedAt > sent) i--;
    const o = out[i]!;
    o.requests++;
    if (status < 200 || status > 299) {
      o.failures[String(status)] = (o.failures[String(status)] ?? 0) + 1;
      const at = (sent - (o.step.appliedAt || firstSent)) / 1000;
      o.failedSent = { first: Math.min(o.failedSent?.first ?? at, at), last: Math.max(o.failedSent?.last ?? at, at) };
    }
    const r = revision ?? '(none)';
    o.revisions[r] = (o.revisions[r] ?? 0) + 1;
  }
  return out;
}

/** The k6 script's per-request records: one JSON array per console line (harness/load). */
function readRecords(file: string): [number, number, number, string | null][] {
  const out: [number, number, number, string | null][] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const start = line.indexOf('[');
    if (start < 0) continue;
    try {
      const rec: unknown = JSON.parse(line.slice(start));
      if (Array.isArray(rec) && typeof rec[0] === 'number' && typeof rec[1] === 'number' && typeof rec[2] === 'number') {
        out.push(rec as [number, number, number, string | null]);
      }
    } catch {
      // not a record
    }
  }
  return out;
}

/** Per step: requests, lost requests (by status, and when they were sent), the new revision's share, time to Ready. */
export function logSteps(log: EvidenceLog, outcomes: readonly StepOutcome[], newRevision: string, readyTimeoutSeconds: number): void {
  for (const o of outcomes) {
    const step = `step ${o.step.label}`;
    const lost = Object.values(o.failures).reduce((a, b) => a + b, 0);
    log.observe(`${step}: requests`, o.requests);
    log.observe(`${step}: lost requests`, lost, { bound: '= 0' });
    if (lost > 0) log.observe(`${step}: failures by status`, JSON.stringify(o.failures));
    if (o.failedSent) log.observe(`${step}: failed requests sent`, `${o.failedSent.first.toFixed(2)}..${o.failedSent.last.toFixed(2)} s after the step began`);
    log.observe(`${step}: answered by the new revision`, Math.round((10_000 * (o.revisions[newRevision] ?? 0)) / Math.max(o.requests, 1)) / 100, { unit: '%' });
    if (o.step.appliedAt) log.observe(`${step}: seconds to Ready`, o.step.readySeconds, { unit: 's', bound: `<= ${readyTimeoutSeconds}` });
  }
}

/** Awaits both, like Promise.all, but settles only once both have: nothing is left running unobserved. */
export async function both<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'rejected') throw x.reason;
  if (y.status === 'rejected') throw y.reason;
  return [x.value, y.value];
}
