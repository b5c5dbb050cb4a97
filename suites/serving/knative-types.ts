import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { IService } from '@kubernetes-models/knative/serving.knative.dev/v1/Service';

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** A Knative Service as read back from the API (client-node's metadata; conditions typed). */
export type KService = Omit<IService, 'metadata' | 'status'> & {
  metadata?: V1ObjectMeta;
  status?: Omit<NonNullable<IService['status']>, 'conditions'> & { conditions?: Condition[] };
};

/** What the probe workload answers (fixtures/workloads/probe). */
export interface ProbeAnswer {
  service?: string;
  configuration?: string;
  revision?: string;
  pod?: string;
  env: Record<string, string | undefined>;
  headers: Record<string, string | string[]>;
}
