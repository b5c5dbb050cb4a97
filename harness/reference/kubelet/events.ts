import type { CoreV1Event } from '@kubernetes/client-node';
import { describeError } from '../../target/errors.ts';
import type { Client } from './api.ts';

/** What an Event is about: a Pod (optionally one of its containers) or a Node. */
export interface InvolvedObject {
  kind: 'Pod' | 'Node';
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** e.g. `spec.containers{probe}`, as a kubelet names a container. */
  fieldPath?: string;
}

export interface EventRecorder {
  /** Posts a core/v1 Event; fire and forget (a failure is logged, as client-go's recorder does). */
  record(about: InvolvedObject, event: EventSpec): void;
  /** Resolves when every posted Event has been answered. */
  flush(): Promise<void>;
}

export function containerFieldPath(containerName: string, init = false): string {
  return `${init ? 'spec.initContainers' : 'spec.containers'}{${containerName}}`;
}

/**
 * Events as client-go's legacy recorder writes them (what `kubectl describe` and `kubectl get events`
 * show): named `<object>.<hex unix nanos>`, in the object's namespace (`default` for a Node), with
 * `source` and `reportingComponent`/`reportingInstance`. Repeats are not aggregated into `count`.
 */
export function createEventRecorder(client: Client, source: { component: string; host: string }, log: (m: string) => void): EventRecorder {
  const pending = new Set<Promise<void>>();
  let seq = 0n;
  return {
    record(about, event) {
      const now = new Date();
      const name = about.metadata?.name ?? 'unknown';
      const namespace = about.kind === 'Node' ? 'default' : (about.metadata?.namespace ?? 'default');
      const nanos = BigInt(now.getTime()) * 1_000_000n + (seq++ % 1_000_000n);
      const body: CoreV1Event = {
        metadata: { name: `${name}.${nanos.toString(16)}`, namespace },
        involvedObject: {
          apiVersion: 'v1',
          kind: about.kind,
          name,
          ...(about.kind === 'Pod' ? { namespace } : {}),
          uid: about.metadata?.uid,
          resourceVersion: about.metadata?.resourceVersion,
          fieldPath: event.fieldPath,
        },
        type: event.type,
        reason: event.reason,
        message: event.message,
        source: { component: source.component, host: source.host },
        reportingComponent: source.component,
        reportingInstance: source.host,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      };
      const p = client.core
        .createNamespacedEvent({ namespace, body })
        .then(
          () => undefined,
          (e: unknown) => log(`could not post Event ${event.reason} about ${about.kind} ${namespace}/${name}: ${describeError(e)}`),
        )
        .finally(() => pending.delete(p));
      pending.add(p);
    },
    async flush() {
      await Promise.all([...pending]);
    },
  };
}
