import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import type { Resource } from '../../controller-runtime/controller.ts';
import type { Informer } from '../../controller-runtime/informer.ts';
import { LABEL } from '../../serving/resources.ts';
import type { KRevision } from '../../serving/types.ts';
import type { InformerSource } from '../index.ts';

type Event = 'add' | 'update' | 'delete';

/** An informer whose cache a test writes: `set` and `remove` update it and call the handlers, as a watch event would. */
export class FakeInformer<T extends KubernetesObject> implements Informer<T> {
  private readonly objects = new Map<string, T>();
  private readonly handlers: Record<Event, ((o: T) => void)[]> = { add: [], update: [], delete: [] };

  get(name: string, namespace?: string): T | undefined {
    return this.objects.get(`${namespace ?? ''}/${name}`);
  }

  list(namespace?: string): readonly T[] {
    return [...this.objects.values()].filter((o) => namespace === undefined || o.metadata?.namespace === namespace);
  }

  on(event: Event, handler: (obj: T) => void): void {
    this.handlers[event].push(handler);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  set(obj: T): void {
    const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
    const event = this.objects.has(key) ? 'update' : 'add';
    this.objects.set(key, obj);
    for (const h of this.handlers[event]) h(obj);
  }

  remove(name: string, namespace: string): void {
    const key = `${namespace}/${name}`;
    const obj = this.objects.get(key);
    if (!obj) return;
    this.objects.delete(key);
    for (const h of this.handlers.delete) h(obj);
  }
}

/** Stands in for the reference's InformerSet: one FakeInformer per resource. */
export class FakeInformerSet implements InformerSource {
  private readonly informers = new Map<string, FakeInformer<KubernetesObject>>();

  get<T extends KubernetesObject>(r: Resource): FakeInformer<T> {
    let i = this.informers.get(r.path);
    if (!i) this.informers.set(r.path, (i = new FakeInformer()));
    return i as unknown as FakeInformer<T>;
  }
}

export function revision(namespace: string, name: string, spec: { containerConcurrency?: number; timeoutSeconds?: number } = {}): KRevision {
  return { apiVersion: 'serving.knative.dev/v1', kind: 'Revision', metadata: { namespace, name }, spec: { containers: [{ name: 'user-container', image: 'gauntlet/probe' }], ...spec } };
}

export function pod(namespace: string, name: string, revisionName: string, o: { ip?: string; ready?: boolean; terminating?: boolean } = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace, name, labels: { [LABEL.revision]: revisionName },
      ...(o.terminating ? { deletionTimestamp: new Date() } : {}),
    },
    spec: { containers: [] },
    status: {
      ...(o.ip ? { podIP: o.ip } : {}),
      phase: 'Running',
      conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False' }],
    },
  };
}
