/**
 * eventing.knative.dev, as knative/eventing's config/core/resources/{broker,trigger,eventtype}.yaml.
 * spec and status are kept as sent: the admission webhook validates them (../webhook).
 *
 * EventType is served as v1beta3, v1beta2 (storage) and v1beta1 (deprecated) as upstream, but without
 * upstream's conversion webhook: the API server only rewrites apiVersion between them (strategy None).
 */
import { AGE, col, defineCrd, preserveUnknown, version, type CustomResourceDefinition } from './schema.ts';

const GROUP = 'eventing.knative.dev';
const CATEGORIES = ['all', 'knative', 'eventing'];
const LABELS = { 'app.kubernetes.io/name': 'knative-eventing', 'knative.dev/crd-install': 'true' };
const READY = col('Ready', '.status.conditions[?(@.type=="Ready")].status');
const REASON = col('Reason', '.status.conditions[?(@.type=="Ready")].reason');
const spec = () => preserveUnknown('validated by the admission webhook');

const eventTypeV1beta2Columns = [
  col('Type', '.spec.type'),
  col('Source', '.spec.source'),
  col('Schema', '.spec.schema'),
  col('Reference Name', '.spec.reference.name'),
  col('Reference Kind', '.spec.reference.kind'),
  col('Description', '.spec.description'),
  READY,
  REASON,
];

export const KNATIVE_EVENTING_CRDS: CustomResourceDefinition[] = [
  defineCrd({
    group: GROUP,
    kind: 'Broker',
    plural: 'brokers',
    singular: 'broker',
    categories: CATEGORIES,
    labels: { ...LABELS, 'duck.knative.dev/addressable': 'true' },
    versions: [
      version('v1', {
        storage: true,
        statusSubresource: true,
        spec: spec(),
        columns: [
          col('URL', '.status.address.url'),
          AGE,
          READY,
          REASON,
          col('Class', '.metadata.annotations.eventing\\.knative\\.dev/broker\\.class', 'string', { priority: 1 }),
        ],
      }),
    ],
  }),
  defineCrd({
    group: GROUP,
    kind: 'Trigger',
    plural: 'triggers',
    singular: 'trigger',
    categories: CATEGORIES,
    labels: LABELS,
    versions: [
      version('v1', {
        storage: true,
        statusSubresource: true,
        spec: spec(),
        columns: [col('Broker', '.spec.broker'), col('Subscriber_URI', '.status.subscriberUri'), AGE, READY, REASON],
      }),
    ],
  }),
  defineCrd({
    group: GROUP,
    kind: 'EventType',
    plural: 'eventtypes',
    singular: 'eventtype',
    categories: CATEGORIES,
    labels: LABELS,
    versions: [
      version('v1beta3', {
        storage: false,
        statusSubresource: true,
        spec: spec(),
        columns: [
          col('Type', ".spec.attributes[?(@.name=='type')].value"),
          col('Source', ".spec.attributes[?(@.name=='source')].value"),
          col('Reference Name', '.spec.reference.name'),
          col('Reference Kind', '.spec.reference.kind'),
          col('Description', '.spec.description'),
          READY,
          REASON,
        ],
      }),
      version('v1beta2', { storage: true, statusSubresource: true, spec: spec(), columns: eventTypeV1beta2Columns }),
      version('v1beta1', {
        storage: false,
        statusSubresource: true,
        deprecationWarning:
          'eventing.knative.dev/v1beta1 EventType is deprecated; see https://knative.dev/docs/eventing/event-registry/ for instructions to migrate to eventing.knative.dev/v1beta2 EventType',
        spec: spec(),
        columns: eventTypeV1beta2Columns,
      }),
    ],
  }),
];
