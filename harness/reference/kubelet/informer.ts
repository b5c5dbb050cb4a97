import { ListWatch, Watch, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { describeError, podKey, type Client } from './api.ts';

/**
 * A list-watch cache over client-node's `ListWatch`, with what that lacks for a controller: a field
 * selector, a restart after errors (`ListWatch` stops for good on a failed list or watch), and a start that
 * resolves once the first list has been cached.
 */
export interface Informer<T extends KubernetesObject> {
  get(namespace: string, name: string): T | undefined;
  list(): readonly T[];
  stop(): Promise<void>;
}

export interface InformerOptions<T extends KubernetesObject> {
  client: Client;
  /** Collection path, e.g. `/api/v1/pods`. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  fieldSelector?: string;
  /** Called with `namespace/name` on every add, update and delete (and for each object of a relist). */
  onChange: (key: string) => void;
  log: (message: string) => void;
  /** How long to wait for the first list (default 30 s). */
  syncTimeoutMs?: number;
}

export async function startInformer<T extends KubernetesObject>(opts: InformerOptions<T>): Promise<Informer<T>> {
  const lw = new ListWatch<T>(opts.path, new Watch(opts.client.config), opts.list, false, undefined, opts.fieldSelector);
  let stopped = false;
  let delayMs = 500;
  let restartTimer: NodeJS.Timeout | undefined;
  let lastError = 'no answer yet';
  let markSynced!: () => void;
  const synced = new Promise<void>((r) => (markSynced = r));
  const notify = (obj: T) => opts.onChange(podKey(obj));
  lw.on('add', notify);
  lw.on('update', notify);
  lw.on('delete', notify);

  const start = async () => {
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
    restartTimer = setTimeout(() => void start().catch((e: unknown) => opts.log(`restart failed: ${describeError(e)}`)), delayMs);
    delayMs = Math.min(delayMs * 2, 10_000);
  });

  const stop = async () => {
    stopped = true;
    clearTimeout(restartTimer);
    await lw.stop();
  };
  await start();
  const timeoutMs = opts.syncTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
  const outcome = await Promise.race([synced, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    await stop();
    throw new Error(`could not list ${opts.path} as ${opts.client.user} within ${timeoutMs / 1000} s: ${lastError}`);
  }
  return {
    get: (namespace, name) => lw.get(name, namespace),
    list: () => lw.list(),
    stop,
  };
}
