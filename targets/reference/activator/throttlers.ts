import type { V1Pod } from '@kubernetes/client-node';
import type { Informer } from '../controller-runtime/informer.ts';
import type { KRevision } from '../serving/types.ts';
import { revisionDests, revisionOf, revisionSettings, type PodDest } from './backends.ts';
import { PROBE_FREQUENCY_MS, REFUSED_FAST_FOR_MS, REFUSED_RETRY_MS, type PodProber } from './probe.ts';
import { RevisionThrottler } from './throttler.ts';
import { pause } from './pause.ts';

export class RevisionGone extends Error {}

export interface ThrottlersOptions {
  /** The containerConcurrency the activator enforces is 0 (the `ignores-container-concurrency` mutant). */
  ignoreContainerConcurrency?: boolean;
  /** Probes a pod's queue-proxy; without one, only pods that Kubernetes says are Ready take requests. */
  probe?: PodProber;
}

/** One revision the activator has seen a request for: its throttler, and what it knows of its pods' health. */
interface RevisionState {
  throttler: RevisionThrottler;
  /** Pods (by UID) whose queue-proxy passed the activator's probe. */
  healthy: Set<string>;
  /** Pods (by UID) Kubernetes said were Ready at the last refresh. */
  ready: Set<string>;
  /** Probe loops running, by pod UID. */
  probing: Map<string, AbortController>;
}

/**
 * The activator's throttlers, one per revision it has seen a request for, kept current from the shared
 * informers: a pod turning Ready (or going away) updates its revision's throttler in the informer's event,
 * so held requests go out as soon as a pod is ready, without polling.
 *
 * As Knative's revisionBackendsManager, the activator does not wait for readiness to travel through the API:
 * a pod of such a revision that has an IP but is not Ready yet is probed directly (`K-Network-Probe: queue`
 * to its queue-proxy) until it passes, and then takes requests. A pod that was Ready and turns not Ready
 * must pass the probe again; a pod that is gone or terminating is dropped.
 */
export class Throttlers {
  private readonly byKey = new Map<string, RevisionState>();
  private readonly revisions: Informer<KRevision>;
  private readonly pods: Informer<V1Pod>;
  private readonly probe: PodProber | undefined;
  private stopped = false;

  /** The containerConcurrency the activator enforces (the `ignores-container-concurrency` mutant says 0). */
  private readonly concurrencyOf: (rev: KRevision) => number;

  constructor(revisions: Informer<KRevision>, pods: Informer<V1Pod>, opts: ThrottlersOptions = {}) {
    this.concurrencyOf = (rev) => (opts.ignoreContainerConcurrency ? 0 : revisionSettings(rev).containerConcurrency);
    this.revisions = revisions;
    this.pods = pods;
    this.probe = opts.probe;
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
    if (existing) return existing.throttler;
    const rev = this.revisions.get(name, namespace);
    if (!rev || this.stopped) return undefined;
    const state: RevisionState = {
      throttler: new RevisionThrottler({ containerConcurrency: this.concurrencyOf(rev) }),
      healthy: new Set(), ready: new Set(), probing: new Map(),
    };
    this.byKey.set(key, state);
    this.refresh(namespace, name);
    return state.throttler;
  }

  /** Fails every held request (the activator stops), stops probing and ignores informer events from now on. */
  stop(error: Error): void {
    this.stopped = true;
    for (const s of this.byKey.values()) {
      for (const p of s.probing.values()) p.abort();
      s.throttler.failAll(error);
    }
    this.byKey.clear();
  }

  private refresh(namespace: string, name: string): void {
    const state = this.byKey.get(`${namespace}/${name}`);
    if (!state || this.stopped) return;
    const rev = this.revisions.get(name, namespace);
    if (!rev) return;
    const pods = revisionDests(this.pods.list(namespace), name);
    const present = new Set(pods.map((p) => p.uid));
    for (const p of pods) {
      // Ready, then not: Knative probes such a pod again before it takes requests.
      if (!p.ready && state.ready.has(p.uid)) state.healthy.delete(p.uid);
    }
    for (const uid of state.healthy) if (!present.has(uid)) state.healthy.delete(uid);
    state.ready = new Set(pods.filter((p) => p.ready).map((p) => p.uid));
    for (const [uid, loop] of state.probing) {
      if (!present.has(uid) || state.ready.has(uid)) {
        loop.abort();
        state.probing.delete(uid);
      }
    }
    if (this.probe) {
      for (const p of pods) {
        if (!p.ready && !state.healthy.has(p.uid) && !state.probing.has(p.uid)) this.startProbing(namespace, name, state, p);
      }
    }
    const dests = pods.filter((p) => p.ready || state.healthy.has(p.uid)).map((p) => p.dest);
    state.throttler.update({
      containerConcurrency: this.concurrencyOf(rev),
      dests,
    });
  }

  /** Probes one not-ready pod until it passes (then refreshes the revision) or the loop is aborted. */
  private startProbing(namespace: string, name: string, state: RevisionState, pod: PodDest): void {
    const probe = this.probe!;
    const loop = new AbortController();
    state.probing.set(pod.uid, loop);
    const since = Date.now();
    void (async () => {
      while (!loop.signal.aborted) {
        const began = Date.now();
        const outcome = await probe(pod.dest, loop.signal);
        if (loop.signal.aborted) return;
        if (outcome === 'ready') {
          state.probing.delete(pod.uid);
          state.healthy.add(pod.uid);
          this.refresh(namespace, name);
          return;
        }
        const fast = outcome === 'refused' && Date.now() - since < REFUSED_FAST_FOR_MS;
        await pause(fast ? REFUSED_RETRY_MS : Math.max(0, PROBE_FREQUENCY_MS - (Date.now() - began)), loop.signal);
      }
    })();
  }

  private revisionDeleted(rev: KRevision): void {
    const key = `${rev.metadata?.namespace ?? ''}/${rev.metadata?.name ?? ''}`;
    const state = this.byKey.get(key);
    if (!state) return;
    this.byKey.delete(key);
    for (const p of state.probing.values()) p.abort();
    state.throttler.failAll(new RevisionGone(`revision ${key} was deleted`));
  }
}
