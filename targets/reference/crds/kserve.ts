/**
 * serving.kserve.io, as kserve's config/crd/full/serving.kserve.io_*.yaml. No npm package models KServe, so
 * the API server validates these itself: the fields Gauntlet and its users rely on are typed (and required
 * where upstream requires them); the rest of the embedded PodSpec and container fields are kept as sent.
 */
import {
  AGE,
  arrayOf,
  bool,
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
  type CustomResourceDefinition,
  type JSONSchemaProps,
} from './schema.ts';

const GROUP = 'serving.kserve.io';

const container = (): JSONSchemaProps =>
  openObj({ name: str(), image: str(), command: stringList(), args: stringList(), workingDir: str() }, ['name']);

/** ComponentExtensionSpec and the PodSpec fields every component (predictor, transformer, explainer) has. */
const componentFields = (): Record<string, JSONSchemaProps> => ({
  minReplicas: int32(),
  maxReplicas: int32(),
  scaleTarget: int32(),
  scaleMetric: oneOfStrings('cpu', 'memory', 'concurrency', 'rps'),
  scaleMetricType: oneOfStrings('Utilization', 'Value', 'AverageValue'),
  containerConcurrency: int64(),
  timeout: int64(),
  canaryTrafficPercent: int64(),
  logger: openObj({ url: str(), mode: oneOfStrings('all', 'request', 'response') }),
  batcher: obj({ maxBatchSize: int(), maxLatency: int(), timeout: int() }),
  labels: stringMap(),
  annotations: stringMap(),
  serviceAccountName: str(),
  containers: arrayOf(container()),
});

/** A model spec: the framework-specific fields (sklearn, xgboost, ...) and the generic `model`. */
const modelFields = (): Record<string, JSONSchemaProps> => ({
  name: str(),
  image: str(),
  storageUri: str(),
  runtimeVersion: str(),
  protocolVersion: str(),
  args: stringList(),
  command: stringList(),
});

const FRAMEWORKS = ['sklearn', 'xgboost', 'tensorflow', 'pytorch', 'triton', 'onnx', 'huggingface', 'pmml', 'lightgbm', 'paddle'];

const predictor = (): JSONSchemaProps =>
  openObj({
    ...componentFields(),
    model: openObj({ ...modelFields(), runtime: str(), modelFormat: obj({ name: str(), version: str() }, ['name']) }),
    ...Object.fromEntries(FRAMEWORKS.map((f) => [f, openObj(modelFields())])),
  });

const isvcSpec = (): JSONSchemaProps =>
  obj(
    {
      predictor: predictor(),
      transformer: openObj(componentFields()),
      explainer: openObj(componentFields()),
      canary: arrayOf(openObj({ predictor: predictor(), trafficPercent: int32({ minimum: 0, maximum: 100 }) }, ['predictor', 'trafficPercent'])),
    },
    ['predictor'],
  );

const servingRuntimeSpec = (): JSONSchemaProps =>
  openObj(
    {
      supportedModelFormats: arrayOf(obj({ name: str(), version: str(), autoSelect: bool(), priority: int32({ minimum: 1 }) })),
      multiModel: bool(),
      disabled: bool(),
      protocolVersions: stringList(),
      containers: arrayOf(container()),
      grpcEndpoint: str(),
      grpcDataEndpoint: str(),
      httpDataEndpoint: str(),
      replicas: int(),
    },
    ['containers'],
  );

const servingRuntimeColumns = [
  col('Disabled', '.spec.disabled', 'boolean'),
  col('ModelType', '.spec.supportedModelFormats[*].name'),
  col('Containers', '.spec.containers[*].name'),
  AGE,
];

const routerStep = (): JSONSchemaProps =>
  obj({
    name: str(),
    serviceName: str(),
    serviceUrl: str(),
    nodeName: str(),
    data: str(),
    weight: int64(),
    condition: str(),
    dependency: oneOfStrings('Soft', 'Hard'),
    mapPredictionsToInstances: bool(),
  });

const inferenceGraphSpec = (): JSONSchemaProps =>
  openObj(
    {
      nodes: mapOf(obj({ routerType: oneOfStrings('Sequence', 'Splitter', 'Ensemble', 'Switch'), steps: arrayOf(routerStep()) }, ['routerType'])),
      minReplicas: int32(),
      maxReplicas: int32(),
      scaleTarget: int32(),
      scaleMetric: oneOfStrings('cpu', 'memory', 'concurrency', 'rps'),
      routerTimeouts: obj({ serverRead: int64(), serverWrite: int64(), serverIdle: int64() }),
    },
    ['nodes'],
  );

export const KSERVE_CRDS: CustomResourceDefinition[] = [
  defineCrd({
    group: GROUP,
    kind: 'InferenceService',
    plural: 'inferenceservices',
    singular: 'inferenceservice',
    shortNames: ['isvc'],
    versions: [
      version('v1beta1', {
        storage: true,
        statusSubresource: true,
        spec: isvcSpec(),
        columns: [
          col('URL', '.status.url'),
          col('Ready', ".status.conditions[?(@.type=='Ready')].status"),
          col('Prev', ".status.components.predictor.traffic[?(@.tag=='prev')].percent", 'integer'),
          col('Latest', '.status.components.predictor.traffic[?(@.latestRevision==true)].percent', 'integer'),
          col('PrevRolledoutRevision', ".status.components.predictor.traffic[?(@.tag=='prev')].revisionName"),
          col('LatestReadyRevision', '.status.components.predictor.traffic[?(@.latestRevision==true)].revisionName'),
          AGE,
        ],
      }),
    ],
  }),
  defineCrd({
    group: GROUP,
    kind: 'ServingRuntime',
    plural: 'servingruntimes',
    singular: 'servingruntime',
    versions: [version('v1alpha1', { storage: true, statusSubresource: false, spec: servingRuntimeSpec(), columns: servingRuntimeColumns })],
  }),
  defineCrd({
    group: GROUP,
    kind: 'ClusterServingRuntime',
    plural: 'clusterservingruntimes',
    singular: 'clusterservingruntime',
    scope: 'Cluster',
    versions: [version('v1alpha1', { storage: true, statusSubresource: false, spec: servingRuntimeSpec(), columns: servingRuntimeColumns })],
  }),
  defineCrd({
    group: GROUP,
    kind: 'InferenceGraph',
    plural: 'inferencegraphs',
    singular: 'inferencegraph',
    shortNames: ['ig'],
    versions: [
      version('v1alpha1', {
        storage: true,
        statusSubresource: true,
        spec: inferenceGraphSpec(),
        columns: [col('URL', '.status.url'), col('Ready', ".status.conditions[?(@.type=='Ready')].status"), AGE],
      }),
    ],
  }),
];
