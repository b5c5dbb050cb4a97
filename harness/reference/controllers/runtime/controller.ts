import { makeInformer, type KubeConfig, type KubernetesObject, type Informer, type ObjectCache } from '@kubernetes/client-node';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { WorkQueue } from './workqueue.ts';

export interface Resource {
  apiVersion: string;
  kind: string;
  /** The collection's path without a namespace, e.g. `/apis/serving.knative.dev/v1/services`. */
  path: string;
}

export type Lister<T extends KubernetesObject> = ObjectCache<T>;

export interface ReconcileResult {
  /** Look at this key again after so many milliseconds (level-triggered timers, e.g. status that ages). */
  requeueAfterMs?: number;
}

export type Reconcile = (key: string) => Promise<ReconcileResult | void>;

export function keyOf(o: KubernetesObject): string {
  return o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ''}` : (o.metadata?.name ?? '');
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Shared informers for the reference's controllers: one watch per resource, however many controllers read it. */
export class InformerSet {
  private readonly informers = new Map<string, Informer<KubernetesObject> & ObjectCache<KubernetesObject>>();
  private readonly objects: KubernetesObjectApi;
  private readonly kc: KubeConfig;

  constructor(kc: KubeConfig) {
    this.kc = kc;
    this.objects = KubernetesObjectApi.makeApiClient(kc);
  }

  get<T extends KubernetesObject>(r: Resource): Informer<T> & ObjectCache<T> {
    let inf = this.informers.get(r.path);
    if (!inf) {
      inf = makeInformer<KubernetesObject>(this.kc, r.path, () => this.objects.list(r.apiVersion, r.kind));
      // A failed watch is retried by restarting the informer after a pause.
      const informer = inf;
      informer.on('error', () => setTimeout(() => void informer.start().catch(() => undefined), 1000));
      this.informers.set(r.path, inf);
    }
    return inf as unknown as Informer<T> & ObjectCache<T>;
  }

  async start(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}

/** A controller: a work queue fed by informer events, drained by one worker calling `reconcile`. */
export class Controller {
  readonly queue = new WorkQueue();
  private worker: Promise<void> | undefined;

  readonly name: string;
  private readonly reconcile: Reconcile;
  private readonly log: (line: string) => void;

  constructor(name: string, reconcile: Reconcile, log: (line: string) => void) {
    this.name = name;
    this.reconcile = reconcile;
    this.log = log;
  }

  /** Queue the object's own key on any change to a resource. */
  watch<T extends KubernetesObject>(informer: Informer<T>, keyFor: (o: T) => string | undefined = keyOf): void {
    const enqueue = (o: T) => {
      const k = keyFor(o);
      if (k) this.queue.add(k);
    };
    informer.on('add', enqueue);
    informer.on('update', enqueue);
    informer.on('delete', enqueue);
  }

  start(): void {
    this.worker = (async () => {
      for (let key = await this.queue.next(); key !== undefined; key = await this.queue.next()) {
        try {
          const r = await this.reconcile(key);
          this.queue.forget(key);
          if (r?.requeueAfterMs !== undefined) this.queue.addAfter(key, r.requeueAfterMs);
        } catch (e) {
          this.log(`${this.name} ${key}: ${(e as Error).message}`);
          this.queue.retry(key);
        } finally {
          this.queue.done(key);
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.queue.stop();
    await this.worker;
  }
}
