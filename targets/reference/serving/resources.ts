import type { Resource } from '../controller-runtime/controller.ts';

const serving = (kind: string, plural: string): Resource => ({
  apiVersion: 'serving.knative.dev/v1', kind, path: `/apis/serving.knative.dev/v1/${plural}`,
});

export const SERVICES = serving('Service', 'services');
export const CONFIGURATIONS = serving('Configuration', 'configurations');
export const REVISIONS = serving('Revision', 'revisions');
export const ROUTES = serving('Route', 'routes');
export const DEPLOYMENTS: Resource = { apiVersion: 'apps/v1', kind: 'Deployment', path: '/apis/apps/v1/deployments' };
export const CONFIGMAPS: Resource = { apiVersion: 'v1', kind: 'ConfigMap', path: '/api/v1/configmaps' };

export const LABEL = {
  service: 'serving.knative.dev/service',
  configuration: 'serving.knative.dev/configuration',
  configurationGeneration: 'serving.knative.dev/configurationGeneration',
  revision: 'serving.knative.dev/revision',
  revisionUID: 'serving.knative.dev/revisionUID',
  route: 'serving.knative.dev/route',
} as const;

export const SERVING_NAMESPACE = 'knative-serving';
