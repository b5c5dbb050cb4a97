import type { Lister } from '../controller-runtime/informer.ts';
import { splitKey } from '../controller-runtime/controller.ts';
import { conditionOf, isTrue, setCondition } from '../controller-runtime/conditions.ts';
import { ownerRef, type ControllerClient } from '../controller-runtime/client.ts';
import { CONFIGURATIONS, LABEL } from './resources.ts';
import type { KConfiguration, KRevision } from './types.ts';
import { semanticEqual } from '../controller-runtime/equality.ts';

/** `<configuration>-00001`: Knative names a Revision by its Configuration's generation. */
export function revisionName(configuration: string, generation: number): string {
  return `${configuration}-${String(generation).padStart(5, '0')}`;
}

/** Configuration -> a Revision per template generation; latestCreated/latestReady in status. */
export function configurationReconciler(client: ControllerClient, listers: {
  configurations: Lister<KConfiguration>; revisions: Lister<KRevision>;
}) {
  return async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const config = listers.configurations.get(name, namespace);
    if (!config || config.metadata?.deletionTimestamp) return;
    const generation = config.metadata?.generation ?? 1;
    const latestName = config.spec?.template?.metadata?.name ?? revisionName(name, generation);
    const template = config.spec?.template ?? {};
    const labels = {
      ...template.metadata?.labels,
      ...(config.metadata?.labels?.[LABEL.service] ? { [LABEL.service]: config.metadata.labels[LABEL.service] } : {}),
      [LABEL.configuration]: name,
      [LABEL.configurationGeneration]: String(generation),
    };
    if (!listers.revisions.get(latestName, namespace)) {
      await client.apply({
        apiVersion: 'serving.knative.dev/v1', kind: 'Revision',
        metadata: { name: latestName, namespace, labels, annotations: template.metadata?.annotations, ownerReferences: [ownerRef(config)] },
        spec: template.spec ?? {},
      });
    }
    const latest = listers.revisions.get(latestName, namespace);
    const latestReady = isTrue(latest?.status?.conditions, 'Ready')
      ? latestName
      : newestReady(listers.revisions.list(namespace), name) ?? config.status?.latestReadyRevisionName;
    const revReady = conditionOf(latest?.status?.conditions, 'Ready');
    const conditions = setCondition(
      config.status?.conditions, 'Ready',
      revReady?.status ?? 'Unknown',
      revReady?.status === 'False' ? 'RevisionFailed' : revReady?.reason,
      revReady?.status === 'False' ? `Revision "${latestName}" failed with message: ${revReady.message ?? ''}.` : revReady?.message,
    );
    const status = {
      ...config.status, observedGeneration: generation, conditions,
      latestCreatedRevisionName: latestName, latestReadyRevisionName: latestReady,
    };
    if (!semanticEqual(status, config.status)) await client.updateStatus(CONFIGURATIONS, config, status);
  };
}

function newestReady(revisions: readonly KRevision[], configuration: string): string | undefined {
  return revisions
    .filter((r) => r.metadata?.labels?.[LABEL.configuration] === configuration && isTrue(r.status?.conditions, 'Ready'))
    .sort((a, b) => Number(b.metadata?.labels?.[LABEL.configurationGeneration] ?? 0) - Number(a.metadata?.labels?.[LABEL.configurationGeneration] ?? 0))[0]
    ?.metadata?.name;
}
