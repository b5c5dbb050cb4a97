import { Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { ObjectClient } from './object-client.ts';
import { WaitTimeout } from '../../lib/errors.ts';

export interface WatchUntilOptions {
  apiVersion: string;
  kind: string;
  namespace?: string;
  fieldSelector?: string;
  labelSelector?: string;
  timeoutMs: number;
  /** What is awaited, for the timeout's message ("ksvc hello Ready"). */
  what: string;
  signal?: AbortSignal;
}

/**
 * Lists, then watches from the list's resourceVersion until `done` says yes for the current set of
 * matching objects. Level-triggered: `done` sees the whole observed set each time, not single events.
 */
export async function watchUntil<T extends KubernetesObject>(
  kc: KubeConfig,
  objects: ObjectClient,
  opts: WatchUntilOptions,
  done: (items: T[]) => boolean,
): Promise<T[]> {
  const path = await objects.collectionPath(opts.apiVersion, opts.kind, opts.namespace);
  const state = new Map<string, T>();
  const key = (o: T) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  const snapshot = () => [...state.values()];
  const deadline = Date.now() + opts.timeoutMs;

  let watchAbort: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise<T[]>((resolve, reject) => {
      let settled = false;
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        watchAbort?.abort();
        if (err) reject(err);
        else resolve(snapshot());
      };
      const check = () => {
        if (done(snapshot())) finish();
      };
      timer = setTimeout(
        () => finish(new WaitTimeout(`${opts.what}: not reached within ${opts.timeoutMs / 1000} s${lastState(snapshot())}`, snapshot())),
        opts.timeoutMs,
      );
      onAbort = () => finish(new Error(`${opts.what}: aborted`));
      opts.signal?.addEventListener('abort', onAbort, { once: true });

      const listAndWatch = async (): Promise<void> => {
        const list = await objects.list<T>(
          opts.apiVersion, opts.kind, opts.namespace, undefined, undefined, undefined,
          opts.fieldSelector, opts.labelSelector,
        );
        state.clear();
        for (const item of list.items) state.set(key(item), item);
        check();
        if (!settled) await watchFrom(list.metadata?.resourceVersion);
      };
      const watchFrom = async (resourceVersion: string | undefined): Promise<void> => {
        let rv = resourceVersion;
        watchAbort = await new Watch(kc).watch(
          path,
          {
            resourceVersion: rv,
            fieldSelector: opts.fieldSelector,
            labelSelector: opts.labelSelector,
            allowWatchBookmarks: true,
            timeoutSeconds: Math.max(1, Math.ceil((deadline - Date.now()) / 1000)),
          },
          (phase, obj: T & { code?: number }) => {
            if (phase === 'ERROR') {
              // 410 Gone: our resourceVersion is too old; start over from a fresh list.
              rv = undefined;
              return;
            }
            rv = obj.metadata?.resourceVersion ?? rv;
            if (phase === 'BOOKMARK') return;
            if (phase === 'DELETED') state.delete(key(obj));
            else state.set(key(obj), obj);
            check();
          },
          () => {
            if (settled) return;
            // The server ends watches now and then; pick up where we were, after a breath.
            setTimeout(() => {
              if (settled) return;
              const again = rv === undefined ? listAndWatch() : watchFrom(rv);
              again.catch((e: unknown) => finish(e instanceof Error ? e : new Error(String(e))));
            }, 200);
          },
        );
      };
      listAndWatch().catch((e: unknown) => finish(e instanceof Error ? e : new Error(String(e))));
    });
  } finally {
    clearTimeout(timer);
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** "; last seen: Ready=Unknown (Deploying: ...)" for the objects' Ready conditions, as evidence. */
function lastState(items: KubernetesObject[]): string {
  if (items.length === 0) return '; last seen: no such object';
  const parts = items.slice(0, 3).map((o) => {
    const conditions = (o as { status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } }).status?.conditions;
    const ready = conditions?.find((c) => c.type === 'Ready');
    if (!ready) return `${o.metadata?.name ?? '?'} without a Ready condition`;
    const why = [ready.reason, ready.message].filter(Boolean).join(': ');
    return `${items.length > 1 ? `${o.metadata?.name ?? '?'} ` : ''}Ready=${ready.status}${why ? ` (${why})` : ''}`;
  });
  return `; last seen: ${parts.join(', ')}`;
}
