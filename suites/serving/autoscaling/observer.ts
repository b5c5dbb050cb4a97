/**
 * Watches one Knative Service's scale as a timeline, from the Kubernetes API only: its pods (readiness, by
 * watch, not polling), its PodAutoscaler's `status.desiredScale` / `status.actualScale` and its
 * ServerlessService's `spec.mode`, where the target serves those Knative kinds (Knative does). Every change
 * of (desired, actual, ready) is one entry `[t, desired, actual, ready]`, t in seconds since the observer
 * started (client clock); requirements judge on it after the fact and keep it as evidence.
 */
import type { CoreV1Event, KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { watchUntil, type Cluster } from '../../../harness/index.ts';
import { round2 } from './bounds.ts';

export const PODAUTOSCALER = { apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler' } as const;
export const SERVERLESSSERVICE = { apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'ServerlessService' } as const;
const SERVICE_LABEL = 'serving.knative.dev/service';

export interface ScaleState {
  /** PodAutoscaler status.desiredScale (null: no PodAutoscaler seen, or the target has none). */
  desired: number | null;
  /** PodAutoscaler status.actualScale. */
  actual: number | null;
  /** Pods Ready=True and not terminating. */
  ready: number;
  /** Pods not terminating and not finished (scheduled or running, ready or not). */
  pods: number;
  /** ServerlessService spec.mode: Serve (pods take traffic directly) or Proxy (the activator is in the path). */
  mode: string | null;
}

export type TimelineEntry = [t: number, desired: number | null, actual: number | null, ready: number];

interface PaLike extends KubernetesObject {
  status?: { desiredScale?: number; actualScale?: number };
}
interface SksLike extends KubernetesObject {
  spec?: { mode?: string };
}

const isReady = (p: V1Pod) => !p.metadata?.deletionTimestamp && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const isLive = (p: V1Pod) => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';

export class ScaleObserver {
  /** Client time (ms) that t = 0 stands for. */
  readonly t0: number;
  readonly service: string;
  readonly timeline: TimelineEntry[] = [];
  /** [t, pods] changes of the live (non-terminating) pods. */
  readonly podsTimeline: [number, number][] = [];
  readonly modes: [number, string | null][] = [];
  /** Named moments (ms, client clock). */
  readonly marks: Record<string, number> = {};
  /** For each pod: when it was first seen and when first seen Ready (ms), for pod start times. */
  readonly podTimes = new Map<string, { seenMs: number; readyMs?: number }>();
  /** What the target serves of Knative's internal kinds, for the evidence. */
  readonly serves: { podAutoscaler: boolean; serverlessService: boolean };

  private readonly cluster: Cluster;
  private readonly stopper = new AbortController();
  private readonly watches: Promise<void>[] = [];
  private state: ScaleState = { desired: null, actual: null, ready: 0, pods: 0, mode: null };
  private readonly waiters = new Set<() => void>();
  private paName: string | undefined;

  private constructor(cluster: Cluster, service: string, serves: ScaleObserver['serves']) {
    this.cluster = cluster;
    this.service = service;
    this.serves = serves;
    this.t0 = Date.now();
  }

  /** Starts watching the Service's pods (and PodAutoscaler and ServerlessService); stops by `stop()` or after `maxMs`. */
  static async start(cluster: Cluster, service: string, opts: { maxMs: number; signal?: AbortSignal }): Promise<ScaleObserver> {
    const [pa, sks] = await Promise.all([cluster.served(PODAUTOSCALER.apiVersion, PODAUTOSCALER.kind), cluster.served(SERVERLESSSERVICE.apiVersion, SERVERLESSSERVICE.kind)]);
    const o = new ScaleObserver(cluster, service, { podAutoscaler: pa, serverlessService: sks });
    opts.signal?.addEventListener('abort', () => o.stopper.abort(), { once: true });
    const selector = `${SERVICE_LABEL}=${service}`;
    const watch = <T extends KubernetesObject>(apiVersion: string, kind: string, on: (items: T[]) => void) =>
      watchUntil<T>(cluster.kc, cluster.objects, {
        apiVersion, kind, namespace: cluster.namespace, labelSelector: selector, timeoutMs: opts.maxMs,
        what: `${kind}s of ${service}`, signal: o.stopper.signal,
      }, (items) => {
        on(items);
        return false;
      }).then(() => undefined, () => undefined);
    o.watches.push(watch<V1Pod>('v1', 'Pod', (pods) => o.onPods(pods)));
    if (pa) o.watches.push(watch<PaLike>(PODAUTOSCALER.apiVersion, PODAUTOSCALER.kind, (pas) => o.onPa(pas)));
    if (sks) o.watches.push(watch<SksLike>(SERVERLESSSERVICE.apiVersion, SERVERLESSSERVICE.kind, (s) => o.onSks(s)));
    o.record();
    return o;
  }

  now(): ScaleState {
    return { ...this.state };
  }

  /** Seconds since t0 of a client time in ms. */
  rel(ms: number): number {
    return round2((ms - this.t0) / 1000);
  }

  mark(name: string, atMs = Date.now()): number {
    this.marks[name] = atMs;
    return atMs;
  }

  /** Resolves true once `holds` is true of the state, false when `timeoutMs` passes first (never throws). */
  until(holds: (s: ScaleState) => boolean, timeoutMs: number): Promise<boolean> {
    if (holds(this.state)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(v);
      };
      const check = () => {
        if (holds(this.state)) done(true);
      };
      const timer = setTimeout(() => done(false), Math.max(0, timeoutMs));
      this.waiters.add(check);
    });
  }

  /** Sleeps `ms`, or less if the run is stopped. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      this.stopper.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }

  /** The ready pods in force at client time `ms`. */
  readyAt(ms: number): number {
    const t = this.rel(ms);
    let v = this.timeline[0]?.[3] ?? 0;
    for (const e of this.timeline) {
      if (e[0] > t) break;
      v = e[3];
    }
    return v;
  }

  /** Min and max over [fromMs, toMs] of the ready pods, the live pods and the desired scale (desired: null when unknown). */
  extremes(fromMs: number, toMs: number): { minReady: number; maxReady: number; maxPods: number; maxDesired: number | null; minDesired: number | null } {
    const from = this.rel(fromMs);
    const to = this.rel(toMs);
    const within = <E extends [number, ...unknown[]]>(list: E[]): E[] => {
      const before = list.filter((e) => e[0] <= from).at(-1);
      return [...(before ? [before] : []), ...list.filter((e) => e[0] > from && e[0] <= to)];
    };
    const t = within(this.timeline);
    const p = within(this.podsTimeline);
    const ready = t.map((e) => e[3]);
    const desired = t.map((e) => e[1]).filter((d): d is number => d !== null && d >= 0);
    return {
      minReady: ready.length ? Math.min(...ready) : 0,
      maxReady: ready.length ? Math.max(...ready) : 0,
      maxPods: p.length ? Math.max(...p.map((e) => e[1])) : 0,
      maxDesired: desired.length ? Math.max(...desired) : null,
      minDesired: desired.length ? Math.min(...desired) : null,
    };
  }

  /** The first client time at or after `fromMs` when `holds` was true of (desired, actual, ready), if any. */
  firstTime(fromMs: number, holds: (e: { desired: number | null; actual: number | null; ready: number }) => boolean): number | undefined {
    const from = this.rel(fromMs);
    const before = this.timeline.filter((e) => e[0] <= from).at(-1);
    const test = (e: TimelineEntry) => holds({ desired: e[1], actual: e[2], ready: e[3] });
    if (before && test(before)) return fromMs;
    const hit = this.timeline.find((e) => e[0] > from && test(e));
    return hit ? this.t0 + hit[0] * 1000 : undefined;
  }

  /** Seconds from a pod being seen to it being seen Ready: the slowest of the pods that became ready (at or after `sinceMs`). */
  podStartSeconds(sinceMs = 0): number | undefined {
    const starts = [...this.podTimes.values()].filter((p) => p.readyMs !== undefined && p.readyMs >= sinceMs).map((p) => (p.readyMs! - p.seenMs) / 1000);
    return starts.length ? Math.max(...starts) : undefined;
  }

  /** The PodAutoscaler's Events (the autoscaler's decisions, where the target records them), as [t, reason, message]. */
  async events(): Promise<[number, string, string][]> {
    if (!this.paName) return [];
    try {
      const list = await this.cluster.core.listNamespacedEvent({
        namespace: this.cluster.namespace, fieldSelector: `involvedObject.kind=${PODAUTOSCALER.kind},involvedObject.name=${this.paName}`,
      });
      const at = (e: CoreV1Event) => {
        const m = /\bat=(\S+)/.exec(e.message ?? '');
        const when = m ? Date.parse(m[1]!) : NaN;
        return Number.isFinite(when) ? when : new Date(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? 0).getTime();
      };
      return list.items
        .map((e): [number, string, string] => [this.rel(at(e)), e.reason ?? '', (e.message ?? '').slice(0, 300)])
        .sort((a, b) => a[0] - b[0]);
    } catch {
      return [];
    }
  }

  /** Stops the watches. */
  async stop(): Promise<void> {
    this.stopper.abort();
    await Promise.all(this.watches);
  }

  /** The timeline as one compact line: `t:desired/actual/ready` per change, `-` where unknown. */
  compact(fromMs = this.t0, maxEntries = 40): string {
    const from = this.rel(fromMs);
    // The state in force at `from`, then every change after it.
    const before = this.timeline.filter((e) => e[0] < from).at(-1);
    const list = [...(before ? [before] : []), ...this.timeline.filter((e) => e[0] >= from)];
    const shown = list.length > maxEntries ? [...list.slice(0, maxEntries / 2), undefined, ...list.slice(-maxEntries / 2)] : list;
    const f = (v: number | null) => (v === null ? '-' : String(v));
    return shown.map((e) => (e ? `${e[0].toFixed(1)}s:${f(e[1])}/${f(e[2])}/${e[3]}` : '...')).join(' ');
  }

  private onPods(pods: V1Pod[]): void {
    const now = Date.now();
    for (const p of pods) {
      const name = p.metadata?.name ?? '';
      let times = this.podTimes.get(name);
      if (!times) {
        times = { seenMs: now };
        this.podTimes.set(name, times);
      }
      if (times.readyMs === undefined && isReady(p)) times.readyMs = now;
    }
    this.state = { ...this.state, ready: pods.filter(isReady).length, pods: pods.filter(isLive).length };
    this.record();
  }

  private onPa(pas: PaLike[]): void {
    // One revision per Service here: the newest PodAutoscaler is the one that scales.
    const pa = pas.sort((a, b) => (a.metadata?.creationTimestamp?.toString() ?? '').localeCompare(b.metadata?.creationTimestamp?.toString() ?? '')).at(-1);
    this.paName = pa?.metadata?.name ?? this.paName;
    this.state = { ...this.state, desired: pa?.status?.desiredScale ?? null, actual: pa?.status?.actualScale ?? null };
    this.record();
  }

  private onSks(skses: SksLike[]): void {
    this.state = { ...this.state, mode: skses.at(-1)?.spec?.mode ?? null };
    this.record();
  }

  private record(): void {
    const t = this.rel(Date.now());
    const s = this.state;
    const last = this.timeline.at(-1);
    if (!last || last[1] !== s.desired || last[2] !== s.actual || last[3] !== s.ready) {
      this.timeline.push([t, s.desired, s.actual, s.ready]);
    }
    if (this.podsTimeline.at(-1)?.[1] !== s.pods) this.podsTimeline.push([t, s.pods]);
    if (this.modes.length === 0 || this.modes.at(-1)?.[1] !== s.mode) this.modes.push([t, s.mode]);
    for (const w of [...this.waiters]) w();
  }
}
