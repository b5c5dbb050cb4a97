/**
 * A keyed work queue as in client-go: adding a key that is waiting is a no-op; a key is never synced by two
 * workers at once (added while syncing, it is synced again afterwards); a failing sync is retried with
 * per-key exponential back-off; `after` re-queues a key later (level-triggered resyncs).
 */
export interface WorkQueue {
  add(key: string): void;
  /** Adds `key` after `ms`, unless it is added sooner. */
  after(key: string, ms: number): void;
  /** Starts syncing a queue created `paused`; keys added meanwhile were kept. */
  resume(): void;
  /** Stops taking work; resolves when running syncs are done. */
  shutDown(): Promise<void>;
}

export interface WorkQueueOptions {
  sync: (key: string) => Promise<void>;
  /** How many keys may sync at once. */
  concurrency?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onError?: (key: string, error: unknown) => void;
  /** Keep added keys without syncing them until `resume()` (e.g. until the informers have listed). */
  paused?: boolean;
}

export function createWorkQueue(opts: WorkQueueOptions): WorkQueue {
  const concurrency = opts.concurrency ?? 8;
  const base = opts.baseDelayMs ?? 200;
  const max = opts.maxDelayMs ?? 10_000;
  const queue: string[] = [];
  const queued = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const dirty = new Set<string>();
  const failures = new Map<string, number>();
  const timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  let paused = opts.paused ?? false;
  let stopped = false;

  const pump = () => {
    while (!stopped && !paused && running.size < concurrency && queue.length > 0) {
      const i = queue.findIndex((k) => !running.has(k));
      if (i < 0) return;
      const [key] = queue.splice(i, 1) as [string];
      queued.delete(key);
      const run = opts
        .sync(key)
        .then(
          () => {
            failures.delete(key);
          },
          (e: unknown) => {
            const n = (failures.get(key) ?? 0) + 1;
            failures.set(key, n);
            opts.onError?.(key, e);
            after(key, Math.min(max, base * 2 ** (n - 1)));
          },
        )
        .finally(() => {
          running.delete(key);
          if (dirty.delete(key)) add(key);
          pump();
        });
      running.set(key, run);
    }
  };

  const add = (key: string) => {
    if (stopped) return;
    const t = timers.get(key);
    if (t) {
      clearTimeout(t.timer);
      timers.delete(key);
    }
    if (running.has(key)) {
      dirty.add(key);
      return;
    }
    if (queued.has(key)) return;
    queued.add(key);
    queue.push(key);
    pump();
  };

  const after = (key: string, ms: number) => {
    const due = Date.now() + ms;
    const existing = timers.get(key);
    if (stopped || (existing && existing.due <= due)) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      timers.delete(key);
      add(key);
    }, ms);
    timer.unref();
    timers.set(key, { timer, due });
  };

  return {
    add,
    after,
    resume() {
      paused = false;
      pump();
    },
    async shutDown() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t.timer);
      timers.clear();
      queue.length = 0;
      queued.clear();
      await Promise.all(running.values());
    },
  };
}
