import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config.ts';

describe('configFromEnv', () => {
  it('reads the revision reconciler\'s variables and the kubelet\'s bind address', () => {
    expect(configFromEnv({
      QUEUE_BIND_ADDRESS: '127.16.1.4', USER_PORT: '8080', QUEUE_SERVING_PORT: '8012', QUEUE_METRICS_PORT: '9090',
      CONTAINER_CONCURRENCY: '3', REVISION_TIMEOUT_SECONDS: '45', SERVING_NAMESPACE: 'ns', SERVING_SERVICE: 's',
      SERVING_CONFIGURATION: 'c', SERVING_REVISION: 'c-00001', SERVING_POD: 'c-00001-deployment-x',
    })).toEqual({
      bindAddress: '127.16.1.4', servingPort: 8012, metricsPort: 9090, userPort: 8080, containerConcurrency: 3,
      revisionTimeoutSeconds: 45, namespace: 'ns', service: 's', configuration: 'c', revision: 'c-00001', pod: 'c-00001-deployment-x',
    });
  });

  it('defaults as Knative does: ports 8012/9090, unlimited concurrency, 300 s; the pod from HOSTNAME', () => {
    expect(configFromEnv({ USER_PORT: '8080', HOSTNAME: 'p' })).toMatchObject({
      bindAddress: '127.0.0.1', servingPort: 8012, metricsPort: 9090, containerConcurrency: 0, revisionTimeoutSeconds: 300, pod: 'p',
    });
  });

  it('names every bad or missing variable', () => {
    expect(() => configFromEnv({ CONTAINER_CONCURRENCY: '-1', REVISION_TIMEOUT_SECONDS: '0', QUEUE_SERVING_PORT: 'x' }))
      .toThrow(/QUEUE_SERVING_PORT must be an integer[\s\S]*USER_PORT is required[\s\S]*CONTAINER_CONCURRENCY must be/);
    expect(() => configFromEnv({ USER_PORT: '8080', REVISION_TIMEOUT_SECONDS: '0' })).toThrow(/REVISION_TIMEOUT_SECONDS must be a positive number/);
  });
});
