import type { V1Container, V1EnvVar, V1Pod } from '@kubernetes/client-node';

/**
 * The environment of a container process. A container starts from a clean slate, as from an image:
 * - from the host only PATH, HOME and LANG (so that programs are found and behave);
 * - HOSTNAME = the pod's hostname, as container runtimes set it;
 * - the container's `env`, in order: `value` (with `$(VAR)` references to earlier entries expanded, `$$`
 *   escaping), and `valueFrom.fieldRef` for the downward API fields a kubelet supports;
 * - last the workload's bind-address variable = the pod IP, or the address the kubelet gives it instead
 *   (all pods share the host's loopback, so the program must bind its own address; it wins over a
 *   same-named `env` entry).
 * Variables the kubelet adds for the pod's network (`networkEnv`) come before the container's `env`.
 * `configMapKeyRef`, `secretKeyRef`, `resourceFieldRef` and `envFrom` are not supported: marked optional
 * they are skipped, otherwise the container cannot start (`CreateContainerConfigError`), which a kubelet
 * also reports when it cannot resolve a reference. Service links (`*_SERVICE_HOST`) are not injected.
 */
export const HOST_ENV_PASSED = ['PATH', 'HOME', 'LANG'] as const;

export interface EnvInput {
  pod: V1Pod;
  container: V1Container;
  podIP: string;
  hostIP: string;
  bindAddressEnv: string;
  /** The address the program binds, when not the pod IP (a meshed pod's containers bind its local address). */
  bindIP?: string;
  networkEnv?: Readonly<Record<string, string>>;
  hostEnv?: NodeJS.ProcessEnv;
}

export type EnvResult = { ok: true; env: Record<string, string> } | { ok: false; message: string };

/** Downward API: the value of a `fieldRef.fieldPath`, or undefined when the path is not supported. */
export function fieldRefValue(pod: V1Pod, fieldPath: string, podIP: string, hostIP: string): string | undefined {
  const meta = pod.metadata ?? {};
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (keyed) {
    const map = keyed[1] === 'labels' ? meta.labels : meta.annotations;
    return map?.[keyed[2]!] ?? '';
  }
  const values: Record<string, string | undefined> = {
    'metadata.name': meta.name,
    'metadata.namespace': meta.namespace ?? 'default',
    'metadata.uid': meta.uid,
    'status.podIP': podIP,
    'status.podIPs': podIP,
    'status.hostIP': hostIP,
    'status.hostIPs': hostIP,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName ?? 'default',
  };
  return fieldPath in values ? (values[fieldPath] ?? '') : undefined;
}

/** Kubernetes' `$(VAR)` expansion: defined names are replaced, `$$` is a literal `$`, anything else stays. */
export function expandReferences(s: string, vars: Readonly<Record<string, string>>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (name === undefined) return '$';
    return Object.hasOwn(vars, name) ? vars[name]! : m;
  });
}

function resolveEntry(e: V1EnvVar, input: EnvInput, defined: Record<string, string>): string | undefined | Error {
  if (e.valueFrom === undefined) return expandReferences(e.value ?? '', defined);
  const from = e.valueFrom;
  if (from.fieldRef) {
    const v = fieldRefValue(input.pod, from.fieldRef.fieldPath, input.podIP, input.hostIP);
    return v ?? new Error(`env ${e.name}: fieldRef ${from.fieldRef.fieldPath} is not supported by the reference kubelet`);
  }
  const ref = from.configMapKeyRef ?? from.secretKeyRef;
  const kind = from.configMapKeyRef ? 'configMapKeyRef' : from.secretKeyRef ? 'secretKeyRef' : 'resourceFieldRef';
  if (ref?.optional) return undefined;
  return new Error(`env ${e.name}: valueFrom.${kind} is not supported by the reference kubelet`);
}

export function buildContainerEnv(input: EnvInput): EnvResult {
  const host = input.hostEnv ?? process.env;
  const env: Record<string, string> = {};
  for (const name of HOST_ENV_PASSED) {
    const v = host[name];
    if (v !== undefined) env[name] = v;
  }
  env.HOSTNAME = input.pod.spec?.hostname ?? input.pod.metadata?.name ?? '';
  Object.assign(env, input.networkEnv);
  const unsupportedFrom = (input.container.envFrom ?? []).find((f) => !(f.configMapRef ?? f.secretRef)?.optional);
  if (unsupportedFrom) {
    const what = unsupportedFrom.configMapRef ? `configMapRef ${unsupportedFrom.configMapRef.name}` : `secretRef ${unsupportedFrom.secretRef?.name ?? ''}`;
    return { ok: false, message: `envFrom ${what} is not supported by the reference kubelet` };
  }
  const defined: Record<string, string> = {};
  for (const e of input.container.env ?? []) {
    const v = resolveEntry(e, input, defined);
    if (v instanceof Error) return { ok: false, message: v.message };
    if (v === undefined) continue;
    defined[e.name] = v;
    env[e.name] = v;
  }
  env[input.bindAddressEnv] = input.bindIP ?? input.podIP;
  return { ok: true, env };
}

/** The program's argv: the workload's command, then the container's `args` with `$(VAR)` expanded. */
export function containerArgv(workloadCommand: readonly string[], container: V1Container, env: Readonly<Record<string, string>>): string[] {
  return [...workloadCommand, ...(container.args ?? []).map((a) => expandReferences(a, env))];
}
