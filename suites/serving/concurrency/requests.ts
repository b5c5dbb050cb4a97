import type { V1Pod } from '@kubernetes/client-node';
import { httpAttempt, type Cluster, type GatewayAddress, type HttpAttempt } from '../../../harness/index.ts';
import { podReady } from '../pods.ts';

/** `n` GETs sent at once through the gateway, each on its own connection; never rejects. */
export function concurrentGets(url: string, via: GatewayAddress, n: number, timeoutMs: number, signal?: AbortSignal): Promise<HttpAttempt[]> {
  return Promise.all(Array.from({ length: n }, () => httpAttempt({ url, via, timeoutMs, ...(signal ? { signal } : {}) })));
}

/** Waits until the revision has `count` pods that are Ready and not terminating. */
export function readyPods(cluster: Cluster, revision: string, count: number, timeoutMs: number, signal?: AbortSignal): Promise<V1Pod[]> {
  return cluster.waitForPods(
    `serving.knative.dev/revision=${revision}`,
    (pods) => pods.filter((p) => podReady(p) && !p.metadata?.deletionTimestamp).length >= count,
    { timeoutMs, what: `${count} Ready pods of revision ${revision}`, ...(signal ? { signal } : {}) },
  );
}
