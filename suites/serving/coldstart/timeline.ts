import { Watch, type V1Pod } from '@kubernetes/client-node';
import type { Cluster } from '../../../harness/index.ts';
import { podReady } from '../pods.ts';

/** One pod as a watch saw it: when it first appeared and when it first reported Ready=True (harness clock, ms). */
export interface PodSighting {
  name: string;
  /** The pod existed when the watch started: it cannot be one that a cold start created. */
  preexisting: boolean;
  seenAt: number;
  readyAt?: number;
  /** The latest state seen, for the API's own (1 s resolution) timestamps. */
  last: V1Pod;
}

/**
 * Watches pods (a label selector) from a list's resourceVersion and notes when each appears and becomes
 * Ready, on the same clock as the requests. The API's timestamps (creationTimestamp, conditions'
 * lastTransitionTime) have 1 s resolution, too coarse for sub-second cold starts; they are kept as well.
 */
export class PodTimeline {
  readonly pods = new Map<string, PodSighting>();
  private abort: AbortController | undefined;
  private stopped = false;
  private readonly changed = new Set<() => void>();
  private readonly cluster: Cluster;
  private readonly labelSelector: string;

  constructor(cluster: Cluster, labelSelector: string) {
    this.cluster = cluster;
    this.labelSelector = labelSelector;
  }

  /** Resolves once the watch is established, so that nothing after it goes unseen. */
  async start(): Promise<void> {
    const ns = this.cluster.namespace;
    const list = await this.cluster.core.listNamespacedPod({ namespace: ns, labelSelector: this.labelSelector });
    const now = Date.now();
    for (const p of list.items) this.note(p, now, true);
    await this.watchFrom(await this.cluster.objects.collectionPath('v1', 'Pod', ns), list.metadata?.resourceVersion);
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    for (const f of this.changed) f();
  }

  /** Resolves when `pod` has been seen Ready, or after `timeoutMs` (the sighting may then lack readyAt). */
  async readySeen(pod: string, timeoutMs: number): Promise<PodSighting | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (!this.stopped && this.pods.get(pod)?.readyAt === undefined && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.changed.delete(done);
          resolve();
        };
        const timer = setTimeout(done, deadline - Date.now());
        this.changed.add(done);
      });
    }
    return this.pods.get(pod);
  }

  private async watchFrom(path: string, resourceVersion: string | undefined): Promise<void> {
    let rv = resourceVersion;
    this.abort = await new Watch(this.cluster.kc).watch(
      path,
      { labelSelector: this.labelSelector, resourceVersion: rv, allowWatchBookmarks: true },
      (phase: string, obj: V1Pod) => {
        rv = obj.metadata?.resourceVersion ?? rv;
        if (phase === 'ADDED' || phase === 'MODIFIED') this.note(obj, Date.now(), false);
      },
      () => {
        // The API server ends watches now and then; carry on from where this one was.
        if (!this.stopped) setTimeout(() => void this.watchFrom(path, rv).catch(() => undefined), 100);
      },
    );
  }

  private note(pod: V1Pod, at: number, preexisting: boolean): void {
    const name = pod.metadata?.name ?? '';
    const seen = this.pods.get(name) ?? { name, preexisting, seenAt: at, last: pod };
    seen.last = pod;
    if (seen.readyAt === undefined && podReady(pod)) seen.readyAt = at;
    this.pods.set(name, seen);
    for (const f of this.changed) f();
  }
}

/** The API's own timestamps of a pod (1 s resolution): creation, each condition's transition, containers' start. */
export function apiTimestamps(pod: V1Pod): Record<string, string> {
  const out: Record<string, string> = {};
  const iso = (t: Date | string | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
  const created = iso(pod.metadata?.creationTimestamp);
  if (created) out.created = created;
  for (const c of pod.status?.conditions ?? []) {
    const t = iso(c.lastTransitionTime);
    if (t && c.status === 'True') out[c.type] = t;
  }
  for (const c of pod.status?.containerStatuses ?? []) {
    const t = iso(c.state?.running?.startedAt);
    if (t) out[`${c.name} started`] = t;
  }
  return out;
}
