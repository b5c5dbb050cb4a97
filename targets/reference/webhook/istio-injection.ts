import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { AdmissionRequest, AdmissionResponse } from './admission.ts';
import { createPatch } from './json-patch.ts';

/**
 * Istio's sidecar injection, as its injector webhook does it on pod creation: the `istio-proxy` container
 * with Istio's image, arguments, environment and probes, and the labels and annotations Istio sets. Which pods
 * are injected is decided by the API server through the webhook's selectors (see `register.ts`): namespace
 * label `istio-injection=enabled` unless the pod says `sidecar.istio.io/inject: "false"`, or pod label
 * `sidecar.istio.io/inject: "true"` in a namespace without the label. Pods on the host network are not.
 *
 * Differences from Istio: no `istio-init` container (traffic capture is the kubelet's business here, as with
 * Istio's CNI plugin) and no volumes (the reference's sidecar reads its certificates from the mesh control
 * plane's files, not over the istio-agent's SDS socket).
 */
export const ISTIO_VERSION = '1.28.0';
export const PROXY_IMAGE = `docker.io/istio/proxyv2:${ISTIO_VERSION}`;
export const PROXY_CONTAINER = 'istio-proxy';
export const STATUS_ANNOTATION = 'sidecar.istio.io/status';
export const TLS_MODE_LABEL = 'security.istio.io/tlsMode';
export const INJECT_LABEL = 'sidecar.istio.io/inject';
export const INJECTION_NAMESPACE_LABEL = 'istio-injection';
export const INJECT_PATH = '/inject';

const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });

function proxyContainer(pod: V1Pod): V1Container {
  const apps = (pod.spec?.containers ?? []).map((c) => c.name);
  const ports = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
  return {
    name: PROXY_CONTAINER,
    image: PROXY_IMAGE,
    args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info'],
    env: [
      { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
      { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' },
      fieldEnv('POD_NAME', 'metadata.name'),
      fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
      fieldEnv('INSTANCE_IP', 'status.podIP'),
      fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
      fieldEnv('HOST_IP', 'status.hostIP'),
      { name: 'ISTIO_META_POD_PORTS', value: JSON.stringify(ports) },
      { name: 'ISTIO_META_APP_CONTAINERS', value: apps.join(',') },
      { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
      fieldEnv('ISTIO_META_NODE_NAME', 'spec.nodeName'),
      { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
      { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
      { name: 'TRUST_DOMAIN', value: 'cluster.local' },
    ],
    ports: [{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }],
    readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 },
    startupProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 1, timeoutSeconds: 3, failureThreshold: 600 },
  };
}

/** The pod with its sidecar, or the pod unchanged when it has one already or uses the host's network. */
export function injectSidecar(pod: V1Pod): V1Pod {
  const meta = pod.metadata ?? {};
  if (meta.annotations?.[STATUS_ANNOTATION] !== undefined || pod.spec?.hostNetwork === true || !pod.spec) return pod;
  if ((pod.spec.containers ?? []).some((c) => c.name === PROXY_CONTAINER)) return pod;
  const labels = meta.labels ?? {};
  const name = labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels.app ?? meta.generateName?.replace(/-[^-]*-?$/, '') ?? meta.name ?? '';
  const revision = labels['service.istio.io/canonical-revision'] ?? labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';
  const status = { initContainers: null, containers: [PROXY_CONTAINER], volumes: [], imagePullSecrets: null, revision: 'default' };
  return {
    ...pod,
    metadata: {
      ...meta,
      labels: { ...labels, [TLS_MODE_LABEL]: 'istio', 'service.istio.io/canonical-name': name, 'service.istio.io/canonical-revision': revision },
      annotations: {
        ...meta.annotations,
        [STATUS_ANNOTATION]: JSON.stringify(status),
        'istio.io/rev': 'default',
        'kubectl.kubernetes.io/default-container': pod.spec.containers[0]?.name ?? '',
      },
    },
    spec: { ...pod.spec, containers: [...pod.spec.containers, proxyContainer(pod)] },
  };
}

export function injectAdmission(r: AdmissionRequest): AdmissionResponse {
  const isPod = r.kind.group === '' && r.kind.kind === 'Pod';
  if (!isPod || r.operation !== 'CREATE' || r.subResource || typeof r.object !== 'object' || r.object === null) return { uid: r.uid, allowed: true };
  const pod = r.object as V1Pod;
  const ops = createPatch(pod, injectSidecar(pod));
  if (ops.length === 0) return { uid: r.uid, allowed: true };
  return { uid: r.uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') };
}
