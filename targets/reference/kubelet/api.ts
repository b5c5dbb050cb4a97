import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { reuseConnections } from '../controller-runtime/connections.ts';

/** A client for one identity, from its kubeconfig file. */
export interface Client {
  config: KubeConfig;
  core: CoreV1Api;
  /** The user name in the kubeconfig, for messages. */
  user: string;
}

export function clientFor(kubeconfigFile: string): Client {
  const config = reuseConnections(new KubeConfig());
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

/** RFC 3339 with seconds, as Kubernetes writes `metav1.Time`. */
export function kubeTime(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
