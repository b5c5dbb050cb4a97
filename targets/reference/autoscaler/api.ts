/** The autoscaler's writes to the API: scale subresource, ServerlessService apply, status subresources. */
import {
  AppsV1Api, CustomObjectsApi, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubeConfig, type KubernetesObject,
} from '@kubernetes/client-node';
import type { Resource } from '../controller-runtime/controller.ts';

export const FIELD_MANAGER = 'gauntlet-autoscaler';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export class AutoscalerApi {
  private readonly apps: AppsV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly objects: KubernetesObjectApi;

  constructor(kc: KubeConfig) {
    this.apps = kc.makeApiClient(AppsV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.objects = KubernetesObjectApi.makeApiClient(kc);
  }

  /** Sets spec.replicas through the Deployment's `scale` subresource; returns the Deployment's new resourceVersion. */
  async scaleDeployment(namespace: string, name: string, replicas: number): Promise<string | undefined> {
    const scale = await this.apps.patchNamespacedDeploymentScale(
      { namespace, name, body: { spec: { replicas } }, fieldManager: FIELD_MANAGER }, mergePatch,
    );
    return scale.metadata?.resourceVersion;
  }

  /** Server-side apply of an object the autoscaler owns. */
  async apply<T extends KubernetesObject>(obj: T): Promise<T> {
    return this.objects.patch(obj, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }

  /** Replaces a custom resource's status (optimistic concurrency on its resourceVersion); returns the object written. */
  async replaceStatus<T extends KubernetesObject>(resource: Resource, obj: T, status: unknown): Promise<T> {
    const [group, version] = resource.apiVersion.split('/') as [string, string];
    return (await this.custom.replaceNamespacedCustomObjectStatus({
      group, version, namespace: obj.metadata?.namespace ?? '', plural: resource.path.slice(resource.path.lastIndexOf('/') + 1),
      name: obj.metadata?.name ?? '', body: { ...obj, apiVersion: resource.apiVersion, kind: resource.kind, status },
    })) as T;
  }
}

/** The newer of two copies of an object by resourceVersion (the informer's may lag what was just written). */
export function fresher<T extends KubernetesObject>(a: T | undefined, b: T | undefined): T | undefined {
  if (!a || !b) return a ?? b;
  if (a.metadata?.uid !== b.metadata?.uid) return a;
  return rv(b) > rv(a) ? b : a;
}

export function rv(o: KubernetesObject | undefined): number {
  return Number(o?.metadata?.resourceVersion ?? 0) || 0;
}

/** A metav1.Time as client-node hands it over (a Date for built-in kinds, a string for custom resources), in ms. */
export function timeMs(t: unknown): number | undefined {
  if (t instanceof Date) return t.getTime();
  if (typeof t === 'string') {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
