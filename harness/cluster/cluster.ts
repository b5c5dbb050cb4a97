import { CoreV1Api, PatchStrategy, type KubeConfig, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import { ObjectClient } from './object-client.ts';
import { watchUntil } from './watch-until.ts';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

const FIELD_MANAGER = 'gauntlet';

/** Anything with the shape of a Kubernetes object: client-node's types or @kubernetes-models' models. */
export interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

/**
 * The one client every suite uses, for every target: only the Kubernetes API, nothing of the reference's
 * internals. `namespace` is the run's namespace, the default for objects that name none.
 */
export class Cluster {
  readonly objects: ObjectClient;
  readonly core: CoreV1Api;
  /** Called with `kind/namespace/name` for every object applied, so requirements can cite them. */
  onApply: ((resource: string) => void) | undefined;

  readonly kc: KubeConfig;
  readonly namespace: string;

  constructor(kc: KubeConfig, namespace: string) {
    this.kc = kc;
    this.namespace = namespace;
    this.objects = ObjectClient.make(kc);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  /** Server-side apply; namespaced objects without a namespace land in the run's namespace. */
  async apply<T extends Manifest>(manifest: T): Promise<T> {
    // Models (@kubernetes-models) serialise through toJSON; client-node sends plain objects.
    const obj = JSON.parse(JSON.stringify(manifest)) as KubernetesObject;
    const namespaced = await this.isNamespaced(obj);
    const body = namespaced && !obj.metadata?.namespace ? { ...obj, metadata: { ...obj.metadata, namespace: this.namespace } } : obj;
    const applied = await this.objects.patch(body, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    this.onApply?.(`${obj.kind ?? '?'}/${applied.metadata?.namespace ?? ''}/${applied.metadata?.name ?? ''}`.replace('//', '/'));
    return applied as unknown as T;
  }

  async get<T extends Manifest>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return (await this.objects.read(this.withNamespace(ref))) as unknown as T;
    } catch (e) {
      if ((e as { code?: number }).code === 404) return undefined;
      throw e;
    }
  }

  async delete(ref: ObjectRef): Promise<void> {
    try {
      await this.objects.delete(this.withNamespace(ref), undefined, undefined, undefined, undefined, 'Background');
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }

  /** Watches one object until `ready` holds; rejects with WaitTimeout carrying the last state seen. */
  async waitFor<T extends Manifest>(
    ref: ObjectRef,
    ready: (obj: T | undefined) => boolean,
    opts: { timeoutMs: number; what?: string; signal?: AbortSignal },
  ): Promise<T> {
    const r = this.withNamespace(ref);
    const [obj] = await watchUntil<T & KubernetesObject>(
      this.kc,
      this.objects,
      {
        apiVersion: r.apiVersion, kind: r.kind, namespace: r.metadata.namespace,
        fieldSelector: `metadata.name=${r.metadata.name}`, timeoutMs: opts.timeoutMs,
        what: opts.what ?? `${r.kind} ${r.metadata.name}`, ...(opts.signal ? { signal: opts.signal } : {}),
      },
      (items) => ready(items[0]),
    );
    return obj as T;
  }

  /** Watches the pods matching a label selector until `done` holds for the set. */
  async waitForPods(
    labelSelector: string,
    done: (pods: V1Pod[]) => boolean,
    opts: { timeoutMs: number; what: string; namespace?: string; signal?: AbortSignal },
  ): Promise<V1Pod[]> {
    return watchUntil<V1Pod>(
      this.kc,
      this.objects,
      {
        apiVersion: 'v1', kind: 'Pod', namespace: opts.namespace ?? this.namespace, labelSelector,
        timeoutMs: opts.timeoutMs, what: opts.what, ...(opts.signal ? { signal: opts.signal } : {}),
      },
      done,
    );
  }

  async listPods(labelSelector: string, namespace = this.namespace): Promise<V1Pod[]> {
    return (await this.core.listNamespacedPod({ namespace, labelSelector })).items;
  }

  async readConfigMap(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    try {
      return (await this.core.readNamespacedConfigMap({ namespace, name })).data ?? {};
    } catch (e) {
      if ((e as { code?: number }).code === 404) return undefined;
      throw e;
    }
  }

  async served(apiVersion: string, kind: string): Promise<boolean> {
    return this.objects.served(apiVersion, kind);
  }

  private async isNamespaced(obj: KubernetesObject): Promise<boolean> {
    const path = await this.objects.collectionPath(obj.apiVersion ?? 'v1', obj.kind ?? '', 'x');
    return path.includes('/namespaces/x/');
  }

  private withNamespace(ref: ObjectRef): ObjectRef & { metadata: { namespace: string } } {
    return { ...ref, metadata: { ...ref.metadata, namespace: ref.metadata.namespace ?? this.namespace } };
  }
}
