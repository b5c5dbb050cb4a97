import type { V1Container, V1Deployment, V1EnvVar } from '@kubernetes/client-node';
import { ownerRef } from '../controllers/client.ts';
import type { Defects } from '../mutants/catalog.ts';
import { LABEL } from './resources.ts';
import type { KRevision } from './types.ts';

export const DEFAULT_USER_PORT = 8080;

/** The Deployment that runs a Revision's pods, with the runtime contract's environment (runtime-contract.md). */
export function revisionDeployment(rev: KRevision, replicas: number, defects: Defects): V1Deployment {
  const name = rev.metadata?.name ?? '';
  const labels = rev.metadata?.labels ?? {};
  const configuration = labels[LABEL.configuration] ?? '';
  const podLabels = {
    ...labels,
    [LABEL.revision]: name,
    [LABEL.revisionUID]: rev.metadata?.uid ?? '',
    app: name,
  };
  const containers = (rev.spec?.containers ?? []) as V1Container[];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${name}-deployment`, namespace: rev.metadata?.namespace ?? '', labels: podLabels, ownerReferences: [ownerRef(rev)] },
    spec: {
      replicas,
      selector: { matchLabels: { [LABEL.revisionUID]: rev.metadata?.uid ?? '' } },
      template: {
        metadata: { labels: podLabels, annotations: rev.metadata?.annotations ?? {} },
        spec: {
          ...(rev.spec?.serviceAccountName ? { serviceAccountName: rev.spec.serviceAccountName } : {}),
          terminationGracePeriodSeconds: rev.spec?.timeoutSeconds ?? 300,
          containers: containers.map((c, i) => userContainer(c, i === 0, {
            K_SERVICE: labels[LABEL.service] ?? '',
            K_CONFIGURATION: configuration,
            K_REVISION: defects.has('wrong-revision-env') ? configuration : name,
          })),
        },
      },
    },
  };
}

function userContainer(c: V1Container, serving: boolean, contract: Record<string, string>): V1Container {
  if (!serving) return c;
  const port = c.ports?.[0]?.containerPort ?? DEFAULT_USER_PORT;
  const env: V1EnvVar[] = [
    ...(c.env ?? []),
    { name: 'PORT', value: String(port) },
    ...Object.entries(contract).map(([name, value]) => ({ name, value })),
  ];
  return {
    ...c,
    name: c.name ?? 'user-container',
    env,
    ports: [{ name: c.ports?.[0]?.name ?? 'user-port', containerPort: port, protocol: 'TCP' }],
    readinessProbe: c.readinessProbe ?? { tcpSocket: { port }, periodSeconds: 1, successThreshold: 1 },
  };
}
