import type { CoreV1Event } from '@kubernetes/client-node';
import { describeError } from '../../../lib/errors.ts';
import type { Client } from './api.ts';
import { afterEventDelay } from '../controller-runtime/event-delay.ts';

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
 * `source` and `reportingComponent`/`reportingInstance`. Repeats are not aggregated into `count`. Sent one at a
 * time, in order, as client-go's broadcaster does (one goroutine drains its queue): a pod start records six at
 * once, and sent side by side they would open connections and take the API server's time from the pod's status.
 * A batch starts `EVENT_POST_DELAY_MS` after its first Event was recorded (`../controller-runtime/event-delay.ts`).
 */
export function createEventRecorder(client: Client, source: { component: string; host: string }, log: (m: string) => void): EventRecorder {
  const queue: { body: CoreV1Event; describe: string }[] = [];
  let draining: Promise<void> | undefined;
  const drain = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { body, describe } = next;
      await client.core.createNamespacedEvent({ namespace: body.metadata?.namespace ?? 'default', body }).then(
        () => undefined,
        (e: unknown) => log(`could not post Event ${describe}: ${describeError(e)}`),
      );
    }
  };
  const kick = (): void => {
    draining ??= afterEventDelay().then(drain).finally(() => {
      draining = undefined;
      if (queue.length > 0) kick();
    });
  };
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
      queue.push({ body, describe: `${event.reason} about ${about.kind} ${namespace}/${name}` });
      kick();
    },
    async flush() {
      while (draining) await draining;
    },
  };
}
