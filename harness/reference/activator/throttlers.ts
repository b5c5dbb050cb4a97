import type { V1Pod } from '@kubernetes/client-node';
import type { Informer } from '../controllers/runtime/informer.ts';
import type { KRevision } from '../serving/types.ts';
import { readyDests, revisionOf, revisionSettings } from './backends.ts';
import { RevisionThrottler } from './throttler.ts';

export class RevisionGone extends Error {}

/**
 * The activator's throttlers, one per revision it has seen a request for, kept current from the shared
 * informers: a pod turning Ready (or going away) updates its revision's throttler in the informer's event,
 * so held requests go out as soon as a pod is ready, without polling.
 */
export class Throttlers {
  private readonly byKey = new Map<string, RevisionThrottler>();
  private readonly revisions: Informer<KRevision>;
  private readonly pods: Informer<V1Pod>;
  private stopped = false;

  /** The containerConcurrency the activator enforces (the `ignores-container-concurrency` mutant says 0). */
  private readonly concurrencyOf: (rev: KRevision) => number;

  constructor(revisions: Informer<KRevision>, pods: Informer<V1Pod>, ignoreContainerConcurrency = false) {
    this.concurrencyOf = (rev) => (ignoreContainerConcurrency ? 0 : revisionSettings(rev).containerConcurrency);
    this.revisions = revisions;
    this.pods = pods;
    const onRevision = (rev: KRevision) => this.refresh(rev.metadata?.namespace ?? '', rev.metadata?.name ?? '');
    revisions.on('add', onRevision);
    revisions.on('update', onRevision);
    revisions.on('delete', (rev) => this.revisionDeleted(rev));
    const onPod = (pod: V1Pod) => {
      const revision = revisionOf(pod);
      if (revision) this.refresh(pod.metadata?.namespace ?? '', revision);
    };
    pods.on('add', onPod);
    pods.on('update', onPod);
    pods.on('delete', onPod);
  }

  /** The revision's throttler, made on first use; undefined when the revision does not exist. */
  get(namespace: string, name: string): RevisionThrottler | undefined {
    const key = `${namespace}/${name}`;
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const rev = this.revisions.get(name, namespace);
    if (!rev || this.stopped) return undefined;
    const t = new RevisionThrottler({ containerConcurrency: this.concurrencyOf(rev) });
    t.update({ containerConcurrency: t.containerConcurrency, dests: readyDests(this.pods.list(namespace), name) });
    this.byKey.set(key, t);
    return t;
  }

  /** Fails every held request (the activator stops) and ignores informer events from now on. */
  stop(error: Error): void {
    this.stopped = true;
    for (const t of this.byKey.values()) t.failAll(error);
    this.byKey.clear();
  }

  private refresh(namespace: string, name: string): void {
    const t = this.byKey.get(`${namespace}/${name}`);
    if (!t || this.stopped) return;
    const rev = this.revisions.get(name, namespace);
    if (!rev) return;
    t.update({ containerConcurrency: this.concurrencyOf(rev), dests: readyDests(this.pods.list(namespace), name) });
  }

  private revisionDeleted(rev: KRevision): void {
    const key = `${rev.metadata?.namespace ?? ''}/${rev.metadata?.name ?? ''}`;
    const t = this.byKey.get(key);
    if (!t) return;
    this.byKey.delete(key);
    t.failAll(new RevisionGone(`revision ${key} was deleted`));
  }
}
