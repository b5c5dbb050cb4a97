import type { V1ConfigMap } from '@kubernetes/client-node';
import type { Lister } from '../controller-runtime/informer.ts';
import { splitKey } from '../controller-runtime/controller.ts';
import { isTrue, setCondition, summarise, type Condition } from '../controller-runtime/conditions.ts';
import type { ControllerClient } from '../controller-runtime/client.ts';
import { ROUTES, SERVING_NAMESPACE } from './resources.ts';
import type { KConfiguration, KRevision, KRoute, TrafficTarget } from './types.ts';
import { semanticEqual } from '../controller-runtime/equality.ts';

/** The domain from `config-domain` (Knative's key-per-domain shape; the first key with an empty selector). */
export function routeDomain(configMaps: Lister<V1ConfigMap>): string {
  const data = configMaps.get('config-domain', SERVING_NAMESPACE)?.data ?? {};
  return Object.keys(data).find((k) => !k.startsWith('_')) ?? 'example.com';
}

export function routeHost(name: string, namespace: string, domain: string, tag?: string): string {
  return `${tag ? `${tag}-` : ''}${name}.${namespace}.${domain}`;
}

/** Route -> resolved traffic in status (latestRevision pinned to the Configuration's latest ready), URL. */
/** Whether the ingress serves a Route as its status says (Knative probes its gateways for this). */
export interface IngressProbe {
  programmed(route: KRoute): boolean;
}

export function routeReconciler(client: ControllerClient, ingress: IngressProbe, listers: {
  routes: Lister<KRoute>; configurations: Lister<KConfiguration>; revisions: Lister<KRevision>; configMaps: Lister<V1ConfigMap>;
}) {
  return async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const route = listers.routes.get(name, namespace);
    if (!route || route.metadata?.deletionTimestamp) return;
    const domain = routeDomain(listers.configMaps);
    const problems: string[] = [];
    const traffic: TrafficTarget[] = [];
    for (const t of route.spec?.traffic ?? []) {
      let revisionName = t.revisionName;
      if (t.latestRevision) {
        const config = listers.configurations.get(t.configurationName ?? name, namespace);
        revisionName = config?.status?.latestReadyRevisionName;
        if (!revisionName) problems.push(`Configuration "${t.configurationName ?? name}" does not have any ready Revision.`);
      } else if (revisionName && !isTrue(listers.revisions.get(revisionName, namespace)?.status?.conditions, 'Ready')) {
        problems.push(`Revision "${revisionName}" is not ready.`);
      }
      if (!revisionName) continue;
      traffic.push({
        ...(t.tag ? { tag: t.tag, url: `http://${routeHost(name, namespace, domain, t.tag)}` } : {}),
        revisionName,
        ...(t.latestRevision !== undefined ? { latestRevision: t.latestRevision } : {}),
        percent: t.percent ?? 0,
      });
    }
    let conditions: Condition[] = route.status?.conditions ?? [];
    conditions = problems.length > 0
      ? setCondition(conditions, 'AllTrafficAssigned', problems.some((p) => p.includes('any ready')) ? 'Unknown' : 'False', 'RevisionMissing', problems.join(' '))
      : setCondition(conditions, 'AllTrafficAssigned', 'True');
    const programmed = problems.length === 0 && sameTraffic(route.status?.traffic, traffic) && ingress.programmed(route);
    conditions = programmed
      ? setCondition(conditions, 'IngressReady', 'True')
      : setCondition(conditions, 'IngressReady', 'Unknown', 'Uninitialized', 'Waiting for load balancer to be ready');
    conditions = summarise(conditions, 'Ready', ['AllTrafficAssigned', 'IngressReady']);
    const host = routeHost(name, namespace, domain);
    const status = {
      ...route.status,
      observedGeneration: route.metadata?.generation,
      conditions,
      url: `http://${host}`,
      address: { url: `http://${name}.${namespace}.svc.cluster.local` },
      traffic,
    };
    if (!semanticEqual(status, route.status)) await client.updateStatus(ROUTES, route, status);
  };
}

function sameTraffic(a: readonly TrafficTarget[] | undefined, b: readonly TrafficTarget[]): boolean {
  return semanticEqual(a ?? [], b);
}
