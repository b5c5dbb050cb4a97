import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';

/**
 * The run's lock on the target, shared by the worker threads that run its requirements: `exclusive` phases (heavy
 * load, latency measured) hold it alone, `shared` phases (light loads judged against the target's own windows) beside
 * each other. First come, first served: a shared request behind a waiting exclusive one waits too, so neither
 * starves.
 *
 * The runner's thread keeps the queue (`TargetLockServer`); requirements ask and release over a BroadcastChannel of
 * the lock's name, which reaches every thread of the process. (Node's own Web Locks, `navigator.locks`, granted two
 * exclusive holders at once and deadlocked when threads contended, on Node 24.21.)
 */
export type LockMode = 'exclusive' | 'shared';

type Message =
  | { op: 'acquire'; id: string; mode: LockMode }
  | { op: 'release'; id: string }
  | { op: 'granted'; id: string };

export class TargetLockServer {
  private readonly channel: BroadcastChannel;
  private readonly queue: { id: string; mode: LockMode }[] = [];
  private readonly held = new Map<string, LockMode>();

  constructor(name: string) {
    this.channel = new BroadcastChannel(name);
    this.channel.onmessage = (e) => this.handle((e as { data: Message }).data);
  }

  /** Holders and waiters now, for tests and diagnostics. */
  state(): { held: LockMode[]; waiting: LockMode[] } {
    return { held: [...this.held.values()], waiting: this.queue.map((q) => q.mode) };
  }

  close(): void {
    this.channel.close();
  }

  private handle(m: Message): void {
    if (m.op === 'acquire') this.queue.push({ id: m.id, mode: m.mode });
    if (m.op === 'release') {
      this.held.delete(m.id);
      const i = this.queue.findIndex((q) => q.id === m.id);
      if (i >= 0) this.queue.splice(i, 1); // given up while waiting
    }
    this.grant();
  }

  private grant(): void {
    for (let next = this.queue[0]; next; next = this.queue[0]) {
      const holders = [...this.held.values()];
      const free = next.mode === 'exclusive' ? holders.length === 0 : !holders.includes('exclusive');
      if (!free) return;
      this.queue.shift();
      this.held.set(next.id, next.mode);
      this.channel.postMessage({ op: 'granted', id: next.id } satisfies Message);
    }
  }
}

/** Runs `phase` once the run's lock `name` is granted in `mode`, and releases it after, also when `signal` aborts the wait. */
export async function withTargetLock<T>(name: string, mode: LockMode, signal: AbortSignal | undefined, phase: () => Promise<T>): Promise<T> {
  signal?.throwIfAborted();
  const channel = new BroadcastChannel(name);
  const id = randomUUID();
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal!.reason as Error);
      signal?.addEventListener('abort', onAbort, { once: true });
      channel.onmessage = (e) => {
        const m = (e as { data: Message }).data;
        if (m.op !== 'granted' || m.id !== id) return;
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      channel.postMessage({ op: 'acquire', id, mode } satisfies Message);
    });
    return await phase();
  } finally {
    channel.postMessage({ op: 'release', id } satisfies Message);
    channel.close();
  }
}
