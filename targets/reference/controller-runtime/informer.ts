import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { describeError } from '../../../lib/errors.ts';

/** Read access to an informer's cache. */
export interface Lister<T extends KubernetesObject> {
  get(name: string, namespace?: string): T | undefined;
  /** Every object, or those of one namespace. */
  list(namespace?: string): readonly T[];
}

/**
 * A list-watch cache over client-node's `ListWatch`, with what that lacks for a controller: a field
 * selector, a restart after errors (`ListWatch` stops for good on a failed list or watch), and a start that
 * resolves once the first list has been cached.
 */
export interface Informer<T extends KubernetesObject> extends Lister<T> {
  /** Calls `handler` with the object on every add, update or delete (and for each object of a relist). */
  on(event: 'add' | 'update' | 'delete', handler: (obj: T) => void): void;
  /** Lists and watches; resolves once the first list is cached, fails if that takes longer than the sync timeout. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface InformerOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** Collection path, e.g. `/api/v1/pods`. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  fieldSelector?: string;
  log: (message: string) => void;
  /** How long to wait for the first list (default 30 s). */
  syncTimeoutMs?: number;
}

export function createInformer<T extends KubernetesObject>(opts: InformerOptions<T>): Informer<T> {
  const lw = new ListWatch<T>(opts.path, new Watch(opts.kubeConfig), opts.list, false, undefined, opts.fieldSelector);
  const user = opts.kubeConfig.getCurrentUser()?.name ?? 'unknown';
  let stopped = false;
  let delayMs = 500;
  let restartTimer: NodeJS.Timeout | undefined;
  let lastError = 'no answer yet';
  let markSynced!: () => void;
  const synced = new Promise<void>((r) => (markSynced = r));

  const run = async () => {
    await lw.start();
    if (lw.latestResourceVersion() !== '') {
      delayMs = 500;
      markSynced();
    }
  };
  lw.on('error', (err: unknown) => {
    if (stopped) return;
    lastError = describeError(err);
    opts.log(`watch of ${opts.path}${opts.fieldSelector ? `?fieldSelector=${opts.fieldSelector}` : ''} failed (${lastError}); restarting in ${delayMs} ms`);
    clearTimeout(restartTimer);
    restartTimer = setTimeout(() => void run().catch((e: unknown) => opts.log(`restart failed: ${describeError(e)}`)), delayMs);
    delayMs = Math.min(delayMs * 2, 10_000);
  });

  const stop = async () => {
    stopped = true;
    clearTimeout(restartTimer);
    await lw.stop();
  };
  const start = async () => {
    await run();
    const timeoutMs = opts.syncTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const outcome = await Promise.race([synced, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      await stop();
      throw new Error(`could not list ${opts.path} as ${user} within ${timeoutMs / 1000} s: ${lastError}`);
    }
  };
  let started: Promise<void> | undefined;
  return {
    get: (name, namespace) => lw.get(name, namespace),
    list: (namespace) => lw.list(namespace),
    on: (event, handler) => lw.on(event, handler),
    start: () => (started ??= start()),
    stop,
  };
}
