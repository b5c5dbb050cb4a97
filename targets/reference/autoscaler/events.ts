/**
 * core/v1 Events about PodAutoscalers, as client-go's recorder writes them (`<object>.<hex nanos>`, source
 * and reportingComponent `autoscaler`). Repeats of the same decision (same reason and aggregation key, e.g.
 * the same scale change) within AGGREGATE_MS raise `count` and `lastTimestamp` of the first Event instead of
 * adding one, as client-go's correlator does. Posting is fire and forget, `EVENT_POST_DELAY_MS` after recording
 * (`../controller-runtime/event-delay.ts`); failures are logged.
 */
import { CoreV1Api, PatchStrategy, setHeaderOptions, type CoreV1Event, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { describeError } from '../../../lib/errors.ts';
import { afterEventDelay } from '../controller-runtime/event-delay.ts';

export const EVENT_SOURCE = 'autoscaler';
export const AGGREGATE_MS = 5 * 60_000;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** Events with the same reason and key within AGGREGATE_MS are one Event with a count. */
  aggregateKey?: string;
}

export class EventRecorder {
  private readonly core: CoreV1Api;
  private readonly log: (line: string) => void;
  private readonly recent = new Map<string, { name: string; namespace: string; count: number; firstMs: number; chain: Promise<void> }>();
  private readonly pending = new Set<Promise<void>>();
  private seq = 0n;

  constructor(kc: KubeConfig, log: (line: string) => void) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.log = log;
  }

  record(about: KubernetesObject, e: EventSpec, now = new Date()): void {
    const namespace = about.metadata?.namespace ?? 'default';
    const objName = about.metadata?.name ?? 'unknown';
    const key = `${about.metadata?.uid ?? objName}/${e.reason}/${e.aggregateKey ?? e.message}`;
    const prev = this.recent.get(key);
    let p: Promise<void>;
    if (prev && now.getTime() - prev.firstMs < AGGREGATE_MS) {
      prev.count++;
      const count = prev.count;
      p = prev.chain = prev.chain.then(() => this.core.patchNamespacedEvent({
        namespace, name: prev.name, body: { count, lastTimestamp: now.toISOString(), message: e.message },
      }, mergePatch)).then(() => undefined, (err: unknown) => this.log(`autoscaler: could not update Event ${prev.name}: ${describeError(err)}`));
    } else {
      const nanos = BigInt(now.getTime()) * 1_000_000n + (this.seq++ % 1_000_000n);
      const name = `${objName}.${nanos.toString(16)}`;
      const body: CoreV1Event = {
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: about.apiVersion, kind: about.kind, name: objName, namespace, uid: about.metadata?.uid,
          resourceVersion: about.metadata?.resourceVersion,
        },
        type: e.type, reason: e.reason, message: e.message,
        source: { component: EVENT_SOURCE }, reportingComponent: EVENT_SOURCE, reportingInstance: EVENT_SOURCE,
        firstTimestamp: now, lastTimestamp: now, count: 1,
      };
      p = afterEventDelay()
        .then(() => this.core.createNamespacedEvent({ namespace, body }))
        .then(() => undefined, (err: unknown) => this.log(`autoscaler: could not post Event ${e.reason} about ${namespace}/${objName}: ${describeError(err)}`));
      this.recent.set(key, { name, namespace, count: 1, firstMs: now.getTime(), chain: p });
      this.prune(now.getTime());
    }
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves when every Event posted so far has been answered. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private prune(nowMs: number): void {
    for (const [k, v] of this.recent) if (nowMs - v.firstMs >= AGGREGATE_MS) this.recent.delete(k);
  }
}
