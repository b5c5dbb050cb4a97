/**
 * Knative's breaker (pkg/queue/breaker.go): at most `maxConcurrency` holders at a time; up to `queueDepth`
 * more wait, first come first served; beyond that a request fails at once with "pending request queue full".
 * Reaching the limit never fails a request by itself: it waits for a slot (or for its own deadline).
 */
export const QUEUE_FULL_MESSAGE = 'pending request queue full';

export class QueueFullError extends Error {
  constructor() {
    super(QUEUE_FULL_MESSAGE);
  }
}

/** Knative's queue-proxy sizes its queue as 10 x containerConcurrency, "to allow the autoscaler time to react". */
export function queueDepthFor(containerConcurrency: number): number {
  return 10 * containerConcurrency;
}

/** Gives the slot back; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
}

export class Breaker {
  readonly maxConcurrency: number;
  readonly queueDepth: number;
  private active = 0;
  private readonly waiters: Waiter[] = [];

  constructor(params: { maxConcurrency: number; queueDepth: number }) {
    if (!Number.isInteger(params.maxConcurrency) || params.maxConcurrency < 1) throw new Error(`max concurrency must be >= 1, not ${params.maxConcurrency}`);
    if (!Number.isInteger(params.queueDepth) || params.queueDepth < 1) throw new Error(`queue depth must be >= 1, not ${params.queueDepth}`);
    this.maxConcurrency = params.maxConcurrency;
    this.queueDepth = params.queueDepth;
  }

  /** Holders of a slot right now. */
  get running(): number {
    return this.active;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Everything in the breaker: running and waiting (Knative's InFlight). */
  get inFlight(): number {
    return this.active + this.waiters.length;
  }

  /**
   * A slot, now or once one frees up. Rejects at once with QueueFullError when `queueDepth` requests are
   * already waiting, and with the signal's reason when it aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.active < this.maxConcurrency) return Promise.resolve(this.take());
    if (this.waiters.length >= this.queueDepth) return Promise.reject(new QueueFullError());
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason as Error);
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private take(): Release {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const next = this.waiters.shift();
      if (next) next.grant(this.take());
    };
  }
}
