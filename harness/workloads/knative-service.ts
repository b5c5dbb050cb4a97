import type { V1ObjectMeta } from '@kubernetes/client-node';
import { Service, type IService } from '@kubernetes-models/knative/serving.knative.dev/v1/Service';
import type { Cluster } from '../cluster/cluster.ts';
import { PROBE_IMAGE } from '../../fixtures/workloads/probe/image.ts';

/** A condition of a Knative resource's status (Ready, ConfigurationsReady, ...). */
export interface KnativeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** A Knative Service as read back from the API (client-node's metadata; conditions typed). */
export type KService = Omit<IService, 'metadata' | 'status'> & {
  metadata?: V1ObjectMeta;
  status?: Omit<NonNullable<IService['status']>, 'conditions'> & { conditions?: KnativeCondition[] };
};

export interface ProbeServiceOptions {
  name: string;
  annotations?: Record<string, string>;
  env?: Record<string, string>;
}

/** A Knative Service running the probe, validated by @kubernetes-models before it is sent. */
export function probeService(o: ProbeServiceOptions): Service {
  const svc = new Service({
    metadata: { name: o.name },
    spec: {
      template: {
        ...(o.annotations ? { metadata: { annotations: o.annotations } } : {}),
        spec: {
          containers: [
            {
              name: 'user-container',
              image: PROBE_IMAGE,
              ...(o.env ? { env: Object.entries(o.env).map(([name, value]) => ({ name, value })) } : {}),
            },
          ],
        },
      },
    },
  });
  svc.validate();
  return svc;
}

export function ready(svc: KService | undefined): boolean {
  const c = svc?.status?.conditions?.find((x) => x.type === 'Ready');
  return c?.status === 'True' && svc?.status?.observedGeneration === svc?.metadata?.generation;
}

export function serviceRef(name: string) {
  return { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name } };
}

export async function waitReady(cluster: Cluster, name: string, timeoutMs: number, signal?: AbortSignal): Promise<KService> {
  return cluster.waitFor<KService>(serviceRef(name), ready, { timeoutMs, what: `Knative Service ${name} Ready`, ...(signal ? { signal } : {}) });
}
