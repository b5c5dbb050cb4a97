import type { KubernetesObject } from '@kubernetes/client-node';
import { ownerRef } from '../controller-runtime/client.ts';
import { LABEL } from './resources.ts';
import { PODAUTOSCALERS } from './dataplane.ts';
import type { KConfiguration, KRevision, KRoute } from './types.ts';

export type Reachability = 'Reachable' | 'Unreachable' | '';

/**
 * Whether traffic can reach a revision, as Knative's revision reconciler tells its PodAutoscaler: a Route
 * sends it traffic (or tags it), or it is its Configuration's newest revision that no Route has picked up
 * yet (unknown), or nothing routes to it (the autoscaler may scale it to zero at once).
 */
export function reachability(rev: KRevision, routes: readonly KRoute[], config: KConfiguration | undefined): Reachability {
  const name = rev.metadata?.name;
  const routed = routes.some((r) => (r.status?.traffic ?? []).some((t) => t.revisionName === name && ((t.percent ?? 0) > 0 || t.tag)));
  if (routed) return 'Reachable';
  if (config?.status?.latestCreatedRevisionName === name || !config) return '';
  return 'Unreachable';
}

/** The revision's PodAutoscaler (autoscaling.internal.knative.dev/v1alpha1), as Knative's reconciler makes it. */
export function podAutoscaler(rev: KRevision, reach: Reachability): KubernetesObject & { spec: object } {
  const name = rev.metadata?.name ?? '';
  const labels = rev.metadata?.labels ?? {};
  const annotations = Object.fromEntries(Object.entries(rev.metadata?.annotations ?? {}).filter(([k]) => k.startsWith('autoscaling.knative.dev/')));
  return {
    apiVersion: PODAUTOSCALERS.apiVersion,
    kind: PODAUTOSCALERS.kind,
    metadata: {
      name, namespace: rev.metadata?.namespace ?? '', ownerReferences: [ownerRef(rev)],
      // An empty map is stored as none, so applying `annotations: {}` is a change every time: the PA's
      // resourceVersion would climb and its watchers (this reconciler among them) would spin on it.
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      labels: {
        [LABEL.revision]: name,
        ...(labels[LABEL.configuration] ? { [LABEL.configuration]: labels[LABEL.configuration] } : {}),
        ...(labels[LABEL.service] ? { [LABEL.service]: labels[LABEL.service] } : {}),
      },
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${name}-deployment` },
      containerConcurrency: rev.spec?.containerConcurrency ?? 0,
      protocolType: 'http1',
      reachability: reach,
    },
  };
}
