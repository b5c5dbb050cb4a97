import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';

/** A client for one identity, from its kubeconfig file. */
export interface Client {
  config: KubeConfig;
  core: CoreV1Api;
  /** The user name in the kubeconfig, for messages. */
  user: string;
}

export function clientFor(kubeconfigFile: string): Client {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigFile);
  return { config, core: config.makeApiClient(CoreV1Api), user: config.getCurrentUser()?.name ?? 'unknown' };
}

/** Options that send a PATCH as a JSON merge patch (RFC 7386). */
export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export function statusCode(e: unknown): number | undefined {
  return e instanceof ApiException ? e.code : undefined;
}

export const isNotFound = (e: unknown) => statusCode(e) === 404;
export const isConflict = (e: unknown) => statusCode(e) === 409;

/** One line about an API error: the status and the API's own message when there is one. */
export function describeError(e: unknown): string {
  if (e instanceof ApiException) {
    const body: unknown = e.body;
    let message = typeof body === 'string' ? body : JSON.stringify(body);
    try {
      const status = JSON.parse(message) as { message?: string };
      if (status.message) message = status.message;
    } catch {
      // not a Status object
    }
    return `HTTP ${e.code}: ${message.slice(0, 300)}`;
  }
  return e instanceof Error ? e.message : String(e);
}

export function podKey(pod: { metadata?: { namespace?: string; name?: string } }): string {
  return `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** RFC 3339 with seconds, as Kubernetes writes `metav1.Time`. */
export function kubeTime(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
