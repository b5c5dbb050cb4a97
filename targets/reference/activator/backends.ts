import type { V1Pod } from '@kubernetes/client-node';
import { isTrue, type Condition } from '../controller-runtime/conditions.ts';
import { QUEUE_SERVING_PORT } from '../serving/dataplane.ts';
import { LABEL } from '../serving/resources.ts';
import type { KRevision } from '../serving/types.ts';
import { DEFAULT_REVISION_TIMEOUT_SECONDS } from '../queue-proxy/config.ts';

/** What the activator needs of a Revision (defaults as Knative's webhook sets them). */
export function revisionSettings(rev: KRevision): { containerConcurrency: number; timeoutSeconds: number } {
  const cc = rev.spec?.containerConcurrency;
  const timeout = rev.spec?.timeoutSeconds;
  return {
    containerConcurrency: typeof cc === 'number' && cc > 0 ? cc : 0,
    timeoutSeconds: typeof timeout === 'number' && timeout > 0 ? timeout : DEFAULT_REVISION_TIMEOUT_SECONDS,
  };
}

/** The revision a pod belongs to, by Knative's label. */
export function revisionOf(pod: V1Pod): string | undefined {
  return pod.metadata?.labels?.[LABEL.revision];
}

/** A pod of a revision that may take traffic: its queue-proxy (`podIP:8012`), and whether Kubernetes says it is Ready. */
export interface PodDest {
  /** The pod's UID (its IP may be given to a new pod once it is gone). */
  uid: string;
  dest: string;
  ready: boolean;
}

/**
 * The pods of a revision with an IP that are not terminating, as Knative's activator reads a revision's
 * private Endpoints: ready and not-ready addresses.
 */
export function revisionDests(pods: readonly V1Pod[], revision: string): PodDest[] {
  return pods
    .filter((p) => revisionOf(p) === revision && !p.metadata?.deletionTimestamp && p.status?.podIP)
    .map((p) => ({
      uid: p.metadata?.uid ?? p.metadata?.name ?? '',
      dest: `${p.status!.podIP!}:${QUEUE_SERVING_PORT}`,
      ready: isTrue(p.status?.conditions as Condition[] | undefined, 'Ready'),
    }));
}

/** `host:port` -> its parts. */
export function splitDest(dest: string): { host: string; port: number } {
  const i = dest.lastIndexOf(':');
  return { host: dest.slice(0, i), port: Number(dest.slice(i + 1)) };
}
