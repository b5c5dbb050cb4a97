import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { IService } from '@kubernetes-models/knative/serving.knative.dev/v1/Service';
import type { IConfiguration } from '@kubernetes-models/knative/serving.knative.dev/v1/Configuration';
import type { IRevision } from '@kubernetes-models/knative/serving.knative.dev/v1/Revision';
import type { IRoute } from '@kubernetes-models/knative/serving.knative.dev/v1/Route';
import type { Condition } from '../controller-runtime/conditions.ts';

/** A Knative model with client-node's metadata (it parses timestamps to Dates) and typed conditions. */
type Observed<T extends { status?: object; metadata?: object }> = Omit<T, 'metadata' | 'status'> & {
  metadata?: V1ObjectMeta;
  status?: Omit<NonNullable<T['status']>, 'conditions'> & { conditions?: Condition[] };
};

export type KService = Observed<IService>;
export type KConfiguration = Observed<IConfiguration>;
export type KRevision = Observed<IRevision>;
export type KRoute = Observed<IRoute>;
export type TrafficTarget = NonNullable<NonNullable<IRoute['spec']>['traffic']>[number];
