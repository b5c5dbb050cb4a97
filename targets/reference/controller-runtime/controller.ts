import { KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { describeError } from '../../../lib/errors.ts';
import { createInformer, type Informer } from './informer.ts';
import { createWorkQueue, type WorkQueue, type WorkQueueOptions } from './work-queue.ts';

export interface Resource {
  apiVersion: string;
  kind: string;
  /** The collection's path without a namespace, e.g. `/apis/serving.knative.dev/v1/services`. */
  path: string;
}

export const PODS: Resource = { apiVersion: 'v1', kind: 'Pod', path: '/api/v1/pods' };

export interface ReconcileResult {
  /** Look at this key again after so many milliseconds (level-triggered timers, e.g. status that ages). */
  requeueAfterMs?: number;
}

export type Reconcile = (key: string) => Promise<ReconcileResult | void>;

/** `namespace/name`, or `name` for a cluster-scoped object. */
export function keyOf(o: KubernetesObject): string {
  return o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ''}` : (o.metadata?.name ?? '');
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Shared informers of one identity: one watch per resource and field selector, however many controllers read it. */
export class InformerSet {
  private readonly informers = new Map<string, Informer<KubernetesObject>>();
  private readonly objects: KubernetesObjectApi;
  private readonly kc: KubeConfig;
  private readonly log: (line: string) => void;

  constructor(kc: KubeConfig, log: (line: string) => void) {
    this.kc = kc;
    this.log = log;
    this.objects = KubernetesObjectApi.makeApiClient(kc);
  }

  get<T extends KubernetesObject>(r: Resource, opts: { fieldSelector?: string } = {}): Informer<T> {
    const { fieldSelector } = opts;
    const id = fieldSelector === undefined ? r.path : `${r.path}?fieldSelector=${fieldSelector}`;
    let informer = this.informers.get(id);
    if (!informer) {
      informer = createInformer({
        kubeConfig: this.kc, path: r.path, fieldSelector, log: this.log,
        list: () => this.objects.list(r.apiVersion, r.kind, undefined, undefined, undefined, undefined, fieldSelector),
      });
      this.informers.set(id, informer);
    }
    return informer as unknown as Informer<T>;
  }

  /** Starts every informer; resolves once all have listed, or stops them all and fails. */
  async start(): Promise<void> {
    try {
      await Promise.all([...this.informers.values()].map((i) => i.start()));
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}

export type ControllerOptions = Pick<WorkQueueOptions, 'concurrency' | 'baseDelayMs' | 'maxDelayMs'>;

/** A controller: a work queue fed by informer events, holding keys until `start()`, syncing them with `reconcile`. */
export class Controller {
  readonly queue: WorkQueue;
  readonly name: string;

  constructor(name: string, reconcile: Reconcile, log: (line: string) => void, opts: ControllerOptions = {}) {
    this.name = name;
    this.queue = createWorkQueue({
      ...opts,
      paused: true,
      sync: async (key) => {
        const r = await reconcile(key);
        if (r?.requeueAfterMs !== undefined) this.queue.after(key, r.requeueAfterMs);
      },
      onError: (key, e) => log(`${name} ${key}: ${describeError(e)}`),
    });
  }

  /** Queue the object's own key (or the one `keyFor` maps it to) on any change to a resource. */
  watch<T extends KubernetesObject>(informer: Informer<T>, keyFor: (o: T) => string | undefined = keyOf): void {
    const enqueue = (o: T) => {
      const k = keyFor(o);
      if (k) this.queue.add(k);
    };
    informer.on('add', enqueue);
    informer.on('update', enqueue);
    informer.on('delete', enqueue);
  }

  /** Starts syncing, once the informers it reads have listed. */
  start(): void {
    this.queue.resume();
  }

  /** Stops taking work; resolves when running reconciles are done. */
  async stop(): Promise<void> {
    await this.queue.shutDown();
  }
}
