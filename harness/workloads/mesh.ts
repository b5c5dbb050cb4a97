import type { V1Deployment, V1Pod, V1Service, V1ServiceAccount } from '@kubernetes/client-node';
import { PROBE_IMAGE } from '../../fixtures/workloads/probe/image.ts';
import type { Cluster } from '../cluster/cluster.ts';

/**
 * The mesh suites' workloads: the probe app (fixtures/workloads/probe) as Deployments and Services, with or
 * without Istio's sidecar, under a chosen service account -- one versatile app in every role, like Istio's
 * echo deployments. Plain Kubernetes and Istio's own labels and annotations, so they mean the same on every
 * target.
 */
/** The app's port; Services expose it as port 80 (`http`). */
export const APP_PORT = 8080;
/**
 * The port on which the harness drives a probe as a client (`POST /forward`). It is left out of the sidecar's
 * capture (`traffic.sidecar.istio.io/excludeInboundPorts`), so that no mesh policy under test stands between
 * the harness and its client.
 */
export const CONTROL_PORT = 8090;

export interface EchoSpec {
  /** Deployment name; pods get `app: <app>` and `version: <version>`. */
  name: string;
  app?: string;
  version?: string;
  serviceAccount?: string;
  /** With Istio's sidecar (pod label `sidecar.istio.io/inject`). */
  meshed: boolean;
  replicas?: number;
  env?: Record<string, string>;
  /** Pod annotations, e.g. Istio's `proxy.istio.io/config`. */
  annotations?: Record<string, string>;
}

export function echoDeployment(s: EchoSpec): V1Deployment {
  const app = s.app ?? s.name;
  const labels = { app, version: s.version ?? 'v1', 'gauntlet.dev/echo': s.name, 'sidecar.istio.io/inject': String(s.meshed) };
  const env = { PORT: String(APP_PORT), CONTROL_PORT: String(CONTROL_PORT), SERVICE_VERSION: s.version ?? 'v1', ...s.env };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: s.name, labels: { app } },
    spec: {
      replicas: s.replicas ?? 1,
      selector: { matchLabels: { 'gauntlet.dev/echo': s.name } },
      template: {
        metadata: { labels, annotations: { ...s.annotations, 'traffic.sidecar.istio.io/excludeInboundPorts': String(CONTROL_PORT) } },
        spec: {
          ...(s.serviceAccount ? { serviceAccountName: s.serviceAccount } : {}),
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'app',
              image: PROBE_IMAGE,
              env: [
                ...Object.entries(env).map(([name, value]) => ({ name, value })),
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              ports: [{ name: 'http', containerPort: APP_PORT }, { name: 'control', containerPort: CONTROL_PORT }],
              readinessProbe: { httpGet: { path: '/healthz', port: APP_PORT }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  };
}

export function serviceAccount(name: string): V1ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } };
}

/** A Service over every version of `app`: port 80 (`http`) to the app's port. */
export function echoService(app: string): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, labels: { app } },
    spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: APP_PORT }] },
  };
}

const ready = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true && !p.metadata?.deletionTimestamp;

/** Applies the service account (if named) and Deployment; resolves with its ready pods once all replicas are. */
export async function deployEcho(cluster: Cluster, s: EchoSpec, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<V1Pod[]> {
  if (s.serviceAccount) await cluster.apply(serviceAccount(s.serviceAccount));
  await cluster.apply(echoDeployment(s));
  const want = s.replicas ?? 1;
  const pods = await cluster.waitForPods(`gauntlet.dev/echo=${s.name}`, (ps) => ps.filter(ready).length >= want, {
    timeoutMs: opts.timeoutMs, what: `${want} ready pod(s) of Deployment ${s.name}${s.meshed ? ' (with sidecar)' : ''}`, ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return pods.filter(ready);
}

/** The pod's address as the pod network routes it, for a client that dials a pod directly. */
export function podAddress(pod: V1Pod): string {
  const ip = pod.status?.podIP;
  if (!ip) throw new Error(`pod ${pod.metadata?.name ?? ''} has no status.podIP`);
  return ip;
}
