/**
 * Knative Serving's internal kinds, as knative/serving's config/core/300-resources/{podautoscaler,metric,
 * serverlessservice}.yaml: the autoscaler's decisions (PodAutoscaler: desiredScale, actualScale) and the
 * data path's mode per revision (ServerlessService: Serve, or Proxy through the activator) are read here.
 */
import { AGE, col, defineCrd, preserveUnknown, version, type CustomResourceDefinition } from './schema.ts';

const LABELS = { 'app.kubernetes.io/name': 'knative-serving', 'knative.dev/crd-install': 'true' };
const READY = col('Ready', ".status.conditions[?(@.type=='Ready')].status");
const REASON = col('Reason', ".status.conditions[?(@.type=='Ready')].reason");

const v1alpha1 = (columns: ReturnType<typeof col>[]) =>
  version('v1alpha1', { storage: true, statusSubresource: true, columns, spec: preserveUnknown(), status: preserveUnknown() });

export const KNATIVE_INTERNAL_CRDS: CustomResourceDefinition[] = [
  defineCrd({
    group: 'autoscaling.internal.knative.dev',
    kind: 'PodAutoscaler',
    plural: 'podautoscalers',
    singular: 'podautoscaler',
    // Knative also claims `pa`, which Istio's PeerAuthentication claims too; the reference leaves it to Istio.
    shortNames: ['kpa'],
    categories: ['knative-internal', 'autoscaling'],
    labels: LABELS,
    versions: [
      v1alpha1([
        col('DesiredScale', '.status.desiredScale', 'integer'),
        col('ActualScale', '.status.actualScale', 'integer'),
        READY,
        REASON,
      ]),
    ],
  }),
  defineCrd({
    group: 'autoscaling.internal.knative.dev',
    kind: 'Metric',
    plural: 'metrics',
    singular: 'metric',
    categories: ['knative-internal', 'autoscaling'],
    labels: LABELS,
    versions: [v1alpha1([READY, REASON])],
  }),
  defineCrd({
    group: 'networking.internal.knative.dev',
    kind: 'ServerlessService',
    plural: 'serverlessservices',
    singular: 'serverlessservice',
    shortNames: ['sks'],
    categories: ['knative-internal', 'networking'],
    labels: LABELS,
    versions: [
      v1alpha1([
        col('Mode', '.spec.mode'),
        col('Activators', '.spec.numActivators', 'integer'),
        col('ServiceName', '.status.serviceName'),
        col('PrivateServiceName', '.status.privateServiceName'),
        READY,
        REASON,
        AGE,
      ]),
    ],
  }),
];
