import type { IPeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import type { MeshPod, MeshSnapshot } from '../snapshot.ts';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';
type PolicyMode = NonNullable<NonNullable<NonNullable<IPeerAuthentication['spec']>['mtls']>['mode']>;

/**
 * The mTLS mode a workload's sidecar enforces on one inbound port, as Istio composes PeerAuthentications
 * (istio.io concepts/security "Peer authentication", API reference `PeerAuthentication`):
 * - the narrowest policy wins: workload-specific (a non-empty selector matching the pod, in the pod's namespace)
 *   over namespace-wide (no or an empty selector) over mesh-wide (the root namespace, no selector); a policy in
 *   the root namespace with a selector is ignored;
 * - several at one level: the oldest wins ("Istio ignores the newer policies"); equal timestamps by name;
 * - `UNSET` (or no `mtls`) inherits from the level above; the top is PERMISSIVE;
 * - `portLevelMtls` counts only on the workload-specific policy ("These only apply when a workload selector is
 *   specified"), keyed by the workload's (container) port; an UNSET port inherits the workload's mode.
 */
export function effectiveMtlsMode(snapshot: Pick<MeshSnapshot, 'rootNamespace' | 'peerAuthentications'>, pod: Pick<MeshPod, 'namespace' | 'labels'>, port: number): MtlsMode {
  const { mesh, namespace, workload } = applicablePolicies(snapshot, pod);
  let mode: MtlsMode = 'PERMISSIVE';
  for (const policy of [mesh, namespace, workload]) mode = inherit(policy?.spec?.mtls?.mode, mode);
  const portLevel = workload?.spec?.portLevelMtls?.[String(port)];
  return portLevel ? inherit(portLevel.mode, mode) : mode;
}

function inherit(mode: PolicyMode | undefined, parent: MtlsMode): MtlsMode {
  return mode === undefined || mode === 'UNSET' ? parent : mode;
}

interface Applicable {
  mesh?: IPeerAuthentication;
  namespace?: IPeerAuthentication;
  workload?: IPeerAuthentication;
}

function applicablePolicies(snapshot: Pick<MeshSnapshot, 'rootNamespace' | 'peerAuthentications'>, pod: Pick<MeshPod, 'namespace' | 'labels'>): Applicable {
  const out: Applicable = {};
  for (const policy of [...snapshot.peerAuthentications].sort(oldestFirst)) {
    const ns = policy.metadata?.namespace;
    const labels = policy.spec?.selector?.matchLabels ?? {};
    const level: keyof Applicable | undefined = Object.keys(labels).length === 0
      ? (ns === snapshot.rootNamespace ? 'mesh' : ns === pod.namespace ? 'namespace' : undefined)
      : (ns === pod.namespace && ns !== snapshot.rootNamespace && matches(labels, pod.labels) ? 'workload' : undefined);
    if (level && !out[level]) out[level] = policy;
  }
  return out;
}

export function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Oldest first by creationTimestamp (a policy without one counts as newest), then by namespace/name. */
export function oldestFirst(a: { metadata?: { creationTimestamp?: string; name?: string; namespace?: string } }, b: typeof a): number {
  const time = (x: typeof a) => {
    const ms = Date.parse(x.metadata?.creationTimestamp ?? '');
    return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
  };
  const key = (x: typeof a) => `${x.metadata?.namespace ?? ''}/${x.metadata?.name ?? ''}`;
  const d = time(a) - time(b);
  return d !== 0 && !Number.isNaN(d) ? d : key(a).localeCompare(key(b));
}
