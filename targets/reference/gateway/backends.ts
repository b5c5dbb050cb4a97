import type { V1Pod } from '@kubernetes/client-node';
import { isTrue, type Condition } from '../controller-runtime/conditions.ts';
import { LABEL } from '../serving/resources.ts';
import type { KServerlessService } from './inputs.ts';

/** Where a revision's traffic goes: straight to its ready pods, or through the activator. */
export type Backend = { kind: 'pods'; addresses: string[] } | { kind: 'activator' };

/**
 * What Knative's ServerlessService decides, read from the SKS and Pods: `Serve` with ready pods -> the pods
 * (the public Service's endpoints are the private ones); `Proxy`, no SKS yet, or no ready pod -> the activator.
 */
export function revisionBackends(pods: readonly V1Pod[], serverlessServices: readonly KServerlessService[]): (namespace: string, revision: string) => Backend {
  const ready = readyAddresses(pods);
  const serving = new Set(
    serverlessServices.filter((s) => s.spec?.mode === 'Serve').map((s) => revisionKey(s.metadata?.namespace ?? '', s.metadata?.name ?? '')),
  );
  return (namespace, revision) => {
    const key = revisionKey(namespace, revision);
    const addresses = ready.get(key) ?? [];
    return serving.has(key) && addresses.length > 0 ? { kind: 'pods', addresses } : { kind: 'activator' };
  };
}

/** Revisions that have a ServerlessService: they keep a cluster while they exist, routed or not. */
export function revisionsWithSks(serverlessServices: readonly KServerlessService[]): { namespace: string; revision: string }[] {
  return serverlessServices
    .filter((s) => s.metadata?.name && !s.metadata.deletionTimestamp)
    .map((s) => ({ namespace: s.metadata?.namespace ?? '', revision: s.metadata!.name! }));
}

/** Ready, not terminating pods' IPs by `namespace/revision`, sorted (a stable configuration). */
function readyAddresses(pods: readonly V1Pod[]): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const pod of pods) {
    const revision = pod.metadata?.labels?.[LABEL.revision];
    const ip = pod.status?.podIP;
    if (!revision || !ip || pod.metadata?.deletionTimestamp) continue;
    if (!isTrue(pod.status?.conditions as Condition[] | undefined, 'Ready')) continue;
    const key = revisionKey(pod.metadata?.namespace ?? '', revision);
    out.set(key, (out.get(key) ?? new Set()).add(ip));
  }
  return new Map([...out].map(([k, ips]) => [k, [...ips].sort()]));
}

export function revisionKey(namespace: string, revision: string): string {
  return `${namespace}/${revision}`;
}
