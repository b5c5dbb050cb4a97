import type { Lister } from '../controller-runtime/informer.ts';
import { splitKey } from '../controller-runtime/controller.ts';
import { conditionOf, setCondition, summarise, type Condition } from '../controller-runtime/conditions.ts';
import { ownerRef, type ControllerClient } from '../controller-runtime/client.ts';
import { LABEL, SERVICES } from './resources.ts';
import type { KConfiguration, KRoute, KService } from './types.ts';
import { semanticEqual } from '../controller-runtime/equality.ts';

/** Service -> Configuration + Route of the same name; status mirrors theirs (Knative API spec, Service). */
export function serviceReconciler(client: ControllerClient, listers: {
  services: Lister<KService>; configurations: Lister<KConfiguration>; routes: Lister<KRoute>;
}) {
  return async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const svc = listers.services.get(name, namespace);
    if (!svc || svc.metadata?.deletionTimestamp) return;
    const labels = { [LABEL.service]: name };
    const owner = [ownerRef(svc)];
    await client.apply({
      apiVersion: 'serving.knative.dev/v1', kind: 'Configuration',
      metadata: { name, namespace, labels, ownerReferences: owner },
      spec: { template: svc.spec?.template ?? {} },
    });
    await client.apply({
      apiVersion: 'serving.knative.dev/v1', kind: 'Route',
      metadata: { name, namespace, labels, ownerReferences: owner },
      // A Route's latestRevision target names its Configuration; on a Service that is implied.
      spec: {
        traffic: (svc.spec?.traffic ?? [{ latestRevision: true, percent: 100 }]).map((t) =>
          t.revisionName ? t : { ...t, configurationName: name },
        ),
      },
    });

    const config = listers.configurations.get(name, namespace);
    const route = listers.routes.get(name, namespace);
    let conditions: Condition[] = svc.status?.conditions ?? [];
    conditions = mirror(conditions, 'ConfigurationsReady', config?.status?.conditions, config?.metadata?.generation, config?.status?.observedGeneration);
    conditions = mirror(conditions, 'RoutesReady', route?.status?.conditions, route?.metadata?.generation, route?.status?.observedGeneration);
    conditions = summarise(conditions, 'Ready', ['ConfigurationsReady', 'RoutesReady']);
    const status = {
      ...svc.status,
      observedGeneration: svc.metadata?.generation,
      conditions,
      latestCreatedRevisionName: config?.status?.latestCreatedRevisionName,
      latestReadyRevisionName: config?.status?.latestReadyRevisionName,
      url: route?.status?.url,
      address: route?.status?.address,
      traffic: route?.status?.traffic,
    };
    if (!semanticEqual(status, svc.status)) await client.updateStatus(SERVICES, svc, status);
  };
}

/** A child's Ready becomes one of the parent's conditions, Unknown until the child observed its spec. */
function mirror(conditions: Condition[], type: string, child: Condition[] | undefined, generation?: number, observed?: number): Condition[] {
  const ready = conditionOf(child, 'Ready');
  if (!ready || generation === undefined || observed !== generation) return setCondition(conditions, type, 'Unknown', 'Outdated');
  return setCondition(conditions, type, ready.status, ready.reason, ready.message);
}
