import { describeError } from '../../../lib/errors.ts';
import { mergePatch, statusCode, type Client } from './api.ts';

/**
 * Writes pod statuses as a kubelet's status manager does: the latest wins, one request per pod at a
 * time, the changes of one turn of the event loop in one request, nothing sent when nothing changed,
 * retried after failures. Each write is a raw JSON merge PATCH of `pods/<name>/status` as the node
 * identity -- never a GET of `pods/status` first, which the Node authorizer refuses -- with
 * `metadata.uid` in the patch, so that a new pod of the same name is never given the old one's status
 * (the API server refuses a changed UID).
 */
export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface StatusWriter {
  write(pod: PodRef, status: Record<string, unknown>): void;
  /** Resolves once the pod's latest status has been written (or given up because the pod is gone). */
  flush(pod: PodRef): Promise<void>;
  forget(pod: PodRef): void;
  /** Gives up every pending write. */
  close(): void;
}

interface Slot {
  ref: PodRef;
  desired: string;
  sent: string;
  busy: Promise<void> | undefined;
  gone: boolean;
}

const RETRY_MS = 1000;

export function createStatusWriter(client: Client, log: (m: string) => void): StatusWriter {
  const slots = new Map<string, Slot>();
  const keyOf = (p: PodRef) => `${p.namespace}/${p.name}/${p.uid}`;

  const send = async (slot: Slot) => {
    while (!slot.gone && slot.desired !== slot.sent) {
      const body = slot.desired;
      try {
        await client.core.patchNamespacedPodStatus(
          { name: slot.ref.name, namespace: slot.ref.namespace, body: JSON.parse(body) as object },
          mergePatch,
        );
        slot.sent = body;
      } catch (e) {
        const code = statusCode(e);
        if (code === 404 || code === 409 || code === 422) {
          // The pod is gone or was replaced by one of the same name; 422 is also an invalid status, a bug.
          if (code === 422) log(`status of pod ${slot.ref.namespace}/${slot.ref.name} refused: ${describeError(e)}`);
          slot.gone = true;
          return;
        }
        log(`writing status of pod ${slot.ref.namespace}/${slot.ref.name} failed (${describeError(e)}); retrying in ${RETRY_MS} ms`);
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  };

  const kick = (slot: Slot) => {
    // From a microtask: the changes of one turn (a pod's containers started one after the other) are one PATCH.
    slot.busy ??= Promise.resolve().then(() => send(slot)).finally(() => {
      slot.busy = undefined;
      if (!slot.gone && slot.desired !== slot.sent) void kick(slot);
    });
    return slot.busy;
  };

  return {
    write(pod, status) {
      const key = keyOf(pod);
      let slot = slots.get(key);
      if (!slot) {
        slot = { ref: pod, desired: '', sent: '', busy: undefined, gone: false };
        slots.set(key, slot);
      }
      slot.desired = JSON.stringify({ metadata: { uid: pod.uid }, status });
      void kick(slot);
    },
    async flush(pod) {
      const slot = slots.get(keyOf(pod));
      while (slot?.busy) await slot.busy;
    },
    forget(pod) {
      const slot = slots.get(keyOf(pod));
      if (slot) slot.gone = true;
      slots.delete(keyOf(pod));
    },
    close() {
      for (const slot of slots.values()) slot.gone = true;
      slots.clear();
    },
  };
}
