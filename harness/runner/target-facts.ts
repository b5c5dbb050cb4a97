import { VersionApi } from '@kubernetes/client-node';
import type { Cluster } from '../cluster/cluster.ts';

/** What the run records about the target, read through its API like any other cluster. */
export async function targetFacts(cluster: Cluster): Promise<{ server: string; kubernetes: string; configAutoscaler: Record<string, string> | null }> {
  const version = await cluster.kc.makeApiClient(VersionApi).getCode();
  const configAutoscaler = (await cluster.readConfigMap('knative-serving', 'config-autoscaler')) ?? null;
  return { server: cluster.kc.getCurrentCluster()?.server ?? '', kubernetes: version.gitVersion, configAutoscaler };
}
