import type { V1Container, V1Deployment, V1EnvVar } from '@kubernetes/client-node';
import { ownerRef } from '../controller-runtime/client.ts';
import type { ActiveMutants } from '../mutants/active.ts';
import { LABEL } from './resources.ts';
import { QUEUE_CONTAINER_NAME, QUEUE_ENV, QUEUE_METRICS_PORT, QUEUE_PROXY_IMAGE, QUEUE_SERVING_PORT } from './dataplane.ts';
import type { KRevision } from './types.ts';

export const DEFAULT_USER_PORT = 8080;
const DEFAULT_TIMEOUT_SECONDS = 300;

/**
 * The Deployment that runs a Revision's pods, as Knative's revision reconciler makes it: the user container
 * with the runtime contract's environment (runtime-contract.md), and the queue-proxy beside it, which
 * takes the traffic, enforces containerConcurrency and is the pod's readiness.
 */
export function revisionDeployment(rev: KRevision, replicas: number, mutants: ActiveMutants): V1Deployment {
  const name = rev.metadata?.name ?? '';
  const namespace = rev.metadata?.namespace ?? '';
  const labels = rev.metadata?.labels ?? {};
  const configuration = labels[LABEL.configuration] ?? '';
  const service = labels[LABEL.service] ?? '';
  const podLabels = { ...labels, [LABEL.revision]: name, [LABEL.revisionUID]: rev.metadata?.uid ?? '', app: name };
  const [first, ...others] = (rev.spec?.containers ?? []) as V1Container[];
  const userPort = first?.ports?.[0]?.containerPort ?? DEFAULT_USER_PORT;
  const timeoutSeconds = rev.spec?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const user = userContainer(first ?? { name: 'user-container' }, userPort, {
    ...(mutants.has('no-port-env') ? {} : { PORT: String(userPort) }),
    K_SERVICE: service,
    K_CONFIGURATION: configuration,
    K_REVISION: mutants.has('wrong-revision-env') ? configuration : name,
    // The read-only-tmp mutant: no filesystem writes at all, /tmp included (Node's permission model: the
    // reference's workloads are Node programs).
    ...(mutants.has('read-only-tmp') ? { NODE_OPTIONS: '--permission --allow-fs-read=*' } : {}),
  });
  const queue = queueProxy({
    [QUEUE_ENV.servingNamespace]: namespace,
    [QUEUE_ENV.servingService]: service,
    [QUEUE_ENV.servingConfiguration]: configuration,
    [QUEUE_ENV.servingRevision]: name,
    [QUEUE_ENV.userPort]: String(userPort),
    [QUEUE_ENV.queueServingPort]: String(QUEUE_SERVING_PORT),
    [QUEUE_ENV.metricsPort]: String(QUEUE_METRICS_PORT),
    [QUEUE_ENV.containerConcurrency]: mutants.has('ignores-container-concurrency') ? '0' : String(rev.spec?.containerConcurrency ?? 0),
    [QUEUE_ENV.revisionTimeoutSeconds]: String(mutants.has('ignores-timeout') ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds),
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${name}-deployment`, namespace, labels: podLabels, ownerReferences: [ownerRef(rev)] },
    spec: {
      replicas,
      selector: { matchLabels: { [LABEL.revisionUID]: rev.metadata?.uid ?? '' } },
      template: {
        metadata: { labels: podLabels, annotations: rev.metadata?.annotations ?? {} },
        spec: {
          ...(rev.spec?.serviceAccountName ? { serviceAccountName: rev.spec.serviceAccountName } : {}),
          terminationGracePeriodSeconds: timeoutSeconds,
          containers: [user, ...others, queue],
        },
      },
    },
  };
}

/** The serving container: PORT and the K_* variables; no readiness probe of its own (the queue-proxy's). */
function userContainer(c: V1Container, port: number, contract: Record<string, string>): V1Container {
  const env: V1EnvVar[] = [...(c.env ?? []), ...Object.entries(contract).map(([name, value]) => ({ name, value }))];
  const { readinessProbe: _userProbe, ...rest } = c;
  return { ...rest, name: c.name ?? 'user-container', env, ports: [{ name: c.ports?.[0]?.name ?? 'user-port', containerPort: port, protocol: 'TCP' }] };
}

function queueProxy(env: Record<string, string>): V1Container {
  return {
    name: QUEUE_CONTAINER_NAME,
    image: QUEUE_PROXY_IMAGE,
    ports: [
      { name: 'queue-port', containerPort: QUEUE_SERVING_PORT, protocol: 'TCP' },
      { name: 'http-autometric', containerPort: QUEUE_METRICS_PORT, protocol: 'TCP' },
    ],
    env: [
      ...Object.entries(env).map(([name, value]) => ({ name, value })),
      { name: QUEUE_ENV.servingPod, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ],
    // Knative's probe: the queue-proxy answers it once the user container accepts connections.
    readinessProbe: {
      httpGet: { port: QUEUE_SERVING_PORT, path: '/', httpHeaders: [{ name: 'K-Network-Probe', value: 'queue' }] },
      periodSeconds: 1,
      timeoutSeconds: 1,
    },
  };
}
