import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { clopperPearsonInterval, type EvidenceLog, type Interval, type RequirementContext } from '../../../../harness/index.ts';
import { revisionOf } from '../../revision-identity.ts';
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
  /**
   * 2xx answers by revision among the requests sent once the step was Ready and before the next step was
   * applied (the first step: from the load's start): what the step's split is judged on. Before Ready the
   * platform may still serve the previous split.
   */
  settled: Record<string, number>;
  /** When the failed requests were sent, in seconds after the step's patch (the load's start for the first). */
  failedSent?: { first: number; last: number };
}

/**
 * Attributes each request of the k6 load (its per-request records: [end epoch ms, duration ms, status, the
 * probe's template token]) to the step in force when it was sent, and counts per step; the revision that
 * answered is the one whose template carries the token (../../revision-identity.ts).
 */
export function stepOutcomes(recordsFile: string, steps: readonly AppliedStep[]): StepOutcome[] {
  const out: StepOutcome[] = steps.map((step) => ({ step, requests: 0, failures: {}, revisions: {}, settled: {} }));
  const records = readRecords(recordsFile);
  const firstSent = Math.min(...records.map(([end, duration]) => end - duration));
  for (const [end, duration, status, token] of records) {
    const sent = end - duration;
    let i = steps.length - 1;
    while (i > 0 && steps[i]!.appliedAt > sent) i--;
    const o = out[i]!;
    o.requests++;
    const ok = status >= 200 && status <= 299;
    if (!ok) {
      o.failures[String(status)] = (o.failures[String(status)] ?? 0) + 1;
      const at = (sent - (o.step.appliedAt || firstSent)) / 1000;
      o.failedSent = { first: Math.min(o.failedSent?.first ?? at, at), last: Math.max(o.failedSent?.last ?? at, at) };
    }
    const r = revisionOf(token) ?? '(none)';
    o.revisions[r] = (o.revisions[r] ?? 0) + 1;
    if (ok && sent >= o.step.appliedAt + o.step.readySeconds * 1000) o.settled[r] = (o.settled[r] ?? 0) + 1;
  }
  return out;
}

/** How a step's share of a revision is judged against the step's percent. */
export interface ShareCheck {
  /** Percentage points either side of the step's percent that the share may be. */
  tolerance: number;
  /** Of each step's interval (the requirement's, divided among its steps). */
  confidence: number;
  /** Least settled answers a step needs to be judged. */
  minAnswers: number;
}

export interface StepShare {
  label: string;
  percent: number;
  answers: number;
  count: number;
  interval: Interval | undefined;
  /** `inconsistent`: the interval lies wholly outside percent +- tolerance; `thin`: fewer than minAnswers. */
  verdict: 'consistent' | 'inconsistent' | 'thin';
}

/**
 * The step's share of `revision` among its settled answers, against the step's percent: inconsistent when
 * its Clopper-Pearson interval at `confidence` lies wholly outside [percent - tolerance, percent + tolerance]
 * (a platform whose true share is within the band is called inconsistent with probability at most
 * (1 - confidence) / 2); thin when the step has fewer answers than `minAnswers`.
 */
export function stepShare(o: StepOutcome, revision: string, c: ShareCheck): StepShare {
  const answers = Object.values(o.settled).reduce((a, b) => a + b, 0);
  const count = o.settled[revision] ?? 0;
  const percent = o.step.percents[revision] ?? 0;
  const base = { label: o.step.label, percent, answers, count };
  if (answers < c.minAnswers || answers === 0) return { ...base, interval: undefined, verdict: 'thin' };
  const interval = clopperPearsonInterval(count, answers, c.confidence);
  const [low, high] = [(percent - c.tolerance) / 100, (percent + c.tolerance) / 100];
  return { ...base, interval, verdict: interval.upper < low || interval.lower > high ? 'inconsistent' : 'consistent' };
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

/**
 * Per step: requests, lost requests (by status, and when they were sent), the new revision's share, time to
 * Ready, and the share judged once the step was Ready with its interval.
 */
export function logSteps(log: EvidenceLog, outcomes: readonly StepOutcome[], newRevision: string, readyTimeoutSeconds: number, shares: readonly StepShare[], c: ShareCheck): void {
  const pct = (x: number) => (x * 100).toFixed(2);
  for (const [i, o] of outcomes.entries()) {
    const step = `step ${o.step.label}`;
    const lost = Object.values(o.failures).reduce((a, b) => a + b, 0);
    log.observe(`${step}: requests`, o.requests);
    log.observe(`${step}: lost requests`, lost, { bound: '= 0' });
    if (lost > 0) log.observe(`${step}: failures by status`, JSON.stringify(o.failures));
    if (o.failedSent) log.observe(`${step}: failed requests sent`, `${o.failedSent.first.toFixed(2)}..${o.failedSent.last.toFixed(2)} s after the step began`);
    log.observe(`${step}: answered by the new revision`, Math.round((10_000 * (o.revisions[newRevision] ?? 0)) / Math.max(o.requests, 1)) / 100, { unit: '%' });
    if (o.step.appliedAt) log.observe(`${step}: seconds to Ready`, o.step.readySeconds, { unit: 's', bound: `<= ${readyTimeoutSeconds}` });
    const s = shares[i]!;
    log.observe(`${step}: answers once Ready`, s.answers, { bound: `>= ${c.minAnswers}` });
    if (s.interval) {
      log.observe(`${step}: new revision's share once Ready`, `${pct(s.count / s.answers)}% (${s.count}/${s.answers}), interval ${pct(s.interval.lower)}..${pct(s.interval.upper)}% at ${pct(c.confidence)}%`, {
        bound: `meets ${Math.max(0, s.percent - c.tolerance)}..${Math.min(100, s.percent + c.tolerance)}%`,
      });
    }
  }
}

/** Awaits both, like Promise.all, but settles only once both have: nothing is left running unobserved. */
export async function both<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'rejected') throw x.reason;
  if (y.status === 'rejected') throw y.reason;
  return [x.value, y.value];
}
