import {
  CustomObjectsApi, KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject, type V1OwnerReference,
} from '@kubernetes/client-node';

import type { Resource } from './controller.ts';

const FIELD_MANAGER = 'gauntlet-reference';

/** What the reference's controllers do to the API: apply owned children, write status. */
export class ControllerClient {
  private readonly objects: KubernetesObjectApi;
  private readonly custom: CustomObjectsApi;

  constructor(kc: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(kc);
    this.custom = kc.makeApiClient(CustomObjectsApi);
  }

  /** Server-side apply of an object the controller owns: idempotent, so "ensure" is just "apply". */
  async apply<T extends KubernetesObject>(obj: T): Promise<T> {
    return this.objects.patch(obj, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }

  /** Creates an object unless it exists: for children whose later changes belong to someone else. */
  async createIfMissing<T extends KubernetesObject>(obj: T): Promise<void> {
    try {
      await this.objects.create(obj, undefined, undefined, FIELD_MANAGER);
    } catch (e) {
      if ((e as { code?: number }).code !== 409) throw e;
    }
  }

  /** Replaces the status of a custom resource, with optimistic concurrency on its resourceVersion. */
  async updateStatus(resource: Resource, obj: KubernetesObject & { status?: unknown }, status: unknown): Promise<void> {
    const [group, version] = resource.apiVersion.split('/') as [string, string];
    await this.custom.replaceNamespacedCustomObjectStatus({
      group, version, namespace: obj.metadata?.namespace ?? '', plural: resource.path.slice(resource.path.lastIndexOf('/') + 1),
      name: obj.metadata?.name ?? '', body: { ...obj, status },
    });
  }
}

export function ownerRef(owner: KubernetesObject): V1OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? '', kind: owner.kind ?? '', name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true,
  };
}

/** The key of the object's controlling owner of the given kind, for mapping child events to parents. */
export function ownerKey(o: KubernetesObject, kind: string): string | undefined {
  const ref = o.metadata?.ownerReferences?.find((r) => r.kind === kind && r.controller);
  return ref ? `${o.metadata?.namespace ?? ''}/${ref.name}` : undefined;
}
