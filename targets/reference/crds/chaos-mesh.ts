/**
 * chaos-mesh.org v1alpha1, as chaos-mesh's config/crd/bases/chaos-mesh.org_*.yaml. No npm package models
 * Chaos Mesh, so the API server validates these itself: the specs of the kinds Gauntlet uses are typed as
 * upstream's (enums, required fields), so an unknown action or a missing selector is refused with the field
 * named, and unknown fields are pruned as upstream's. As upstream, the chaos kinds and Schedule have no
 * status subresource (Chaos Mesh updates status with the object); Workflow has one.
 */
import {
  arrayOf,
  col,
  defineCrd,
  int,
  int32,
  int64,
  mapOf,
  obj,
  oneOfStrings,
  openObj,
  str,
  stringList,
  stringMap,
  version,
  type CrdVersion,
  type CustomResourceDefinition,
  type JSONSchemaProps,
  type PrinterColumn,
} from './schema.ts';

const GROUP = 'chaos-mesh.org';
const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h)$';

const mode = () => oneOfStrings('one', 'all', 'fixed', 'fixed-percent', 'random-max-percent');

const selector = (): JSONSchemaProps =>
  obj({
    namespaces: stringList(),
    nodes: stringList(),
    pods: mapOf(stringList()),
    nodeSelectors: stringMap(),
    fieldSelectors: stringMap(),
    labelSelectors: stringMap(),
    annotationSelectors: stringMap(),
    podPhaseSelectors: stringList(),
    expressionSelectors: arrayOf(obj({ key: str(), operator: str(), values: stringList() }, ['key', 'operator'])),
  });

/** Fields every pod-selecting chaos has: whom (selector, mode, value), for how long, where. */
const podSelectorFields = (): Record<string, JSONSchemaProps> => ({
  selector: selector(),
  mode: mode(),
  value: str(),
  duration: str(),
  remoteCluster: str(),
});

const chaosSpec = (fields: Record<string, JSONSchemaProps>, required: string[]): JSONSchemaProps =>
  obj({ ...podSelectorFields(), ...fields }, required);

const podChaosSpec = () =>
  chaosSpec(
    { action: oneOfStrings('pod-kill', 'pod-failure', 'container-kill'), containerNames: stringList(), gracePeriod: int64({ minimum: 0 }) },
    ['action', 'mode', 'selector'],
  );

const networkChaosSpec = () =>
  chaosSpec(
    {
      action: oneOfStrings('netem', 'delay', 'loss', 'duplicate', 'corrupt', 'partition', 'bandwidth'),
      direction: { ...oneOfStrings('to', 'from', 'both'), default: 'to' },
      target: obj({ selector: selector(), mode: mode(), value: str() }, ['mode', 'selector']),
      externalTargets: stringList(),
      device: str(),
      targetDevice: str(),
      delay: obj(
        {
          latency: str({ pattern: DURATION_PATTERN }),
          jitter: str({ pattern: DURATION_PATTERN }),
          correlation: str(),
          reorder: obj({ reorder: str(), correlation: str(), gap: int() }, ['gap', 'reorder']),
        },
        ['latency'],
      ),
      loss: obj({ loss: str(), correlation: str() }, ['loss']),
      duplicate: obj({ duplicate: str(), correlation: str() }, ['duplicate']),
      corrupt: obj({ corrupt: str(), correlation: str() }, ['corrupt']),
      rate: obj({ rate: str() }, ['rate']),
      bandwidth: obj(
        {
          rate: str(),
          limit: int32({ minimum: 1 }),
          buffer: int32({ minimum: 1 }),
          peakrate: int64({ minimum: 0 }),
          minburst: int32({ minimum: 0 }),
        },
        ['buffer', 'limit', 'rate'],
      ),
    },
    ['action', 'mode', 'selector'],
  );

const httpChaosSpec = () =>
  chaosSpec(
    {
      target: oneOfStrings('Request', 'Response'),
      port: int32(),
      path: str(),
      method: str(),
      code: int32(),
      request_headers: stringMap(),
      response_headers: stringMap(),
      abort: { type: 'boolean' },
      delay: str(),
      replace: obj({
        path: str(),
        method: str(),
        code: int32(),
        body: str({ format: 'byte' }),
        headers: stringMap(),
        queries: stringMap(),
      }),
      patch: obj({
        body: obj({ type: str(), value: str() }, ['type', 'value']),
        headers: arrayOf(stringList()),
        queries: arrayOf(stringList()),
      }),
      tls: obj({ secretName: str(), secretNamespace: str(), certName: str(), keyName: str(), caName: str() }, [
        'certName',
        'keyName',
        'secretName',
        'secretNamespace',
      ]),
    },
    ['mode', 'selector', 'target'],
  );

const stressChaosSpec = () =>
  chaosSpec(
    {
      containerNames: stringList(),
      stressngStressors: str(),
      stressors: obj({
        cpu: obj({ workers: int({ maximum: 8192 }), load: int({ minimum: 0, maximum: 100 }), options: stringList() }, ['workers']),
        memory: obj(
          {
            workers: int({ maximum: 8192 }),
            size: str(),
            oomScoreAdj: int({ minimum: -1000, maximum: 1000, default: 0 }),
            options: stringList(),
          },
          ['workers'],
        ),
      }),
    },
    ['mode', 'selector'],
  );

const ioChaosSpec = () =>
  chaosSpec(
    {
      action: oneOfStrings('latency', 'fault', 'attrOverride', 'mistake'),
      containerNames: stringList(),
      volumePath: str(),
      path: str(),
      methods: stringList(),
      percent: int({ default: 100 }),
      delay: str(),
      errno: int32(),
      attr: openObj({}),
      mistake: obj({
        filling: oneOfStrings('zero', 'random'),
        maxOccurrences: int64({ minimum: 1 }),
        maxLength: int64({ minimum: 1 }),
      }),
    },
    ['action', 'mode', 'selector', 'volumePath'],
  );

const timeChaosSpec = () =>
  chaosSpec({ timeOffset: str(), clockIds: stringList(), containerNames: stringList() }, ['mode', 'selector', 'timeOffset']);

/** The chaos specs a Schedule or a Workflow template embeds, by their field name. */
const embeddedChaos = (): Record<string, JSONSchemaProps> => ({
  podChaos: podChaosSpec(),
  networkChaos: networkChaosSpec(),
  httpChaos: httpChaosSpec(),
  stressChaos: stressChaosSpec(),
  ioChaos: ioChaosSpec(),
  timeChaos: timeChaosSpec(),
});

const workflowSpec = (): JSONSchemaProps =>
  obj(
    {
      entry: str(),
      templates: arrayOf(
        openObj(
          {
            name: str(),
            templateType: str(),
            deadline: str(),
            children: stringList(),
            conditionalBranches: arrayOf(obj({ target: str(), expression: str() }, ['target'])),
            task: openObj({}),
            schedule: openObj({ schedule: str(), type: str() }, ['schedule', 'type']),
            statusCheck: openObj({ type: str() }, ['type']),
            abortWithStatusCheck: { type: 'boolean' },
            ...embeddedChaos(),
          },
          ['name', 'templateType'],
        ),
      ),
    },
    ['entry', 'templates'],
  );

const scheduleSpec = (): JSONSchemaProps =>
  // Open: a Schedule can embed kinds not modelled here (awsChaos, dnsChaos, ...).
  openObj(
    {
      schedule: str(),
      type: str(),
      concurrencyPolicy: { ...oneOfStrings('Forbid', 'Allow'), default: 'Forbid' },
      historyLimit: int({ minimum: 1 }),
      startingDeadlineSeconds: int64({ minimum: 0 }),
      workflow: workflowSpec(),
      ...embeddedChaos(),
    },
    ['schedule', 'type'],
  );

const DURATION = col('duration', '.spec.duration');
const ACTION = col('action', '.spec.action');

function chaosCrd(kind: string, spec: JSONSchemaProps, o: { columns?: PrinterColumn[]; status?: boolean; shortNames?: string[] } = {}) {
  const plural = kind.toLowerCase().endsWith('chaos') ? kind.toLowerCase() : `${kind.toLowerCase()}s`;
  const v: CrdVersion = version('v1alpha1', {
    storage: true,
    statusSubresource: o.status ?? false,
    spec,
    ...(o.columns ? { columns: o.columns } : {}),
  });
  return defineCrd({
    group: GROUP,
    kind,
    plural,
    singular: kind.toLowerCase(),
    ...(o.shortNames ? { shortNames: o.shortNames } : {}),
    versions: [v],
  });
}

export const CHAOS_MESH_CRDS: CustomResourceDefinition[] = [
  chaosCrd('PodChaos', podChaosSpec()),
  chaosCrd('NetworkChaos', networkChaosSpec(), { columns: [ACTION, DURATION] }),
  chaosCrd('HTTPChaos', httpChaosSpec(), { columns: [DURATION] }),
  chaosCrd('StressChaos', stressChaosSpec(), { columns: [DURATION] }),
  chaosCrd('IOChaos', ioChaosSpec(), { columns: [ACTION, DURATION] }),
  chaosCrd('TimeChaos', timeChaosSpec(), { columns: [DURATION] }),
  chaosCrd('Schedule', scheduleSpec()),
  chaosCrd('Workflow', workflowSpec(), { status: true, shortNames: ['wf'] }),
];
