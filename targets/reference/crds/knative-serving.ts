/**
 * serving.knative.dev v1, as knative/serving's config/core/300-resources/{service,configuration,revision,route}.yaml.
 * spec and status are kept as sent: the admission webhook validates them (../webhook), as Knative relies on its own.
 */
import { col, defineCrd, preserveUnknown, version, type CustomResourceDefinition } from './schema.ts';

const GROUP = 'serving.knative.dev';
const CATEGORIES = ['all', 'knative', 'serving'];
const LABELS = { 'app.kubernetes.io/name': 'knative-serving', 'knative.dev/crd-install': 'true' };
const READY = col('Ready', ".status.conditions[?(@.type=='Ready')].status");
const REASON = col('Reason', ".status.conditions[?(@.type=='Ready')].reason");

const v1 = (columns: ReturnType<typeof col>[]) =>
  version('v1', {
    storage: true,
    statusSubresource: true,
    columns,
    spec: preserveUnknown('validated by the admission webhook'),
    status: preserveUnknown(),
  });

export const KNATIVE_SERVING_CRDS: CustomResourceDefinition[] = [
  defineCrd({
    group: GROUP,
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    shortNames: ['kservice', 'ksvc'],
    categories: CATEGORIES,
    labels: { ...LABELS, 'duck.knative.dev/addressable': 'true', 'duck.knative.dev/podspecable': 'true' },
    versions: [
      v1([
        col('URL', '.status.url'),
        col('LatestCreated', '.status.latestCreatedRevisionName'),
        col('LatestReady', '.status.latestReadyRevisionName'),
        READY,
        REASON,
      ]),
    ],
  }),
  defineCrd({
    group: GROUP,
    kind: 'Configuration',
    plural: 'configurations',
    singular: 'configuration',
    shortNames: ['config', 'cfg'],
    categories: CATEGORIES,
    labels: { ...LABELS, 'duck.knative.dev/podspecable': 'true' },
    versions: [
      v1([col('LatestCreated', '.status.latestCreatedRevisionName'), col('LatestReady', '.status.latestReadyRevisionName'), READY, REASON]),
    ],
  }),
  defineCrd({
    group: GROUP,
    kind: 'Revision',
    plural: 'revisions',
    singular: 'revision',
    shortNames: ['rev'],
    categories: CATEGORIES,
    labels: LABELS,
    versions: [
      v1([
        col('Config Name', ".metadata.labels['serving\\.knative\\.dev/configuration']"),
        col('Generation', ".metadata.labels['serving\\.knative\\.dev/configurationGeneration']"),
        READY,
        REASON,
        col('Actual Replicas', '.status.actualReplicas', 'integer'),
        col('Desired Replicas', '.status.desiredReplicas', 'integer'),
      ]),
    ],
  }),
  defineCrd({
    group: GROUP,
    kind: 'Route',
    plural: 'routes',
    singular: 'route',
    shortNames: ['rt'],
    categories: CATEGORIES,
    labels: { ...LABELS, 'duck.knative.dev/addressable': 'true' },
    versions: [v1([col('URL', '.status.url'), READY, REASON])],
  }),
];
