import { QueueFullError } from '../queue-proxy/breaker.ts';

/**
 * One revision's throttler, as Knative's activator keeps it (pkg/activator/net/throttler.go): the revision's
 * ready pods, each taking at most containerConcurrency requests from this activator (unlimited when 0), and
 * one FIFO queue of requests waiting for a slot on any of them, bounded. Capacity = ready pods x cc; with no
 * ready pod it is 0 and every request waits. Load balancing as Knative's: cc 0 = power of two choices on
 * requests in flight, cc 1..3 = first pod with a free slot, cc > 3 = round robin over pods with a free slot.
 */

/** Knative's activator queues up to 10,000 requests per revision (breakerQueueDepth). */
export const ACTIVATOR_QUEUE_DEPTH = 10_000;

/** A slot on one pod: where to send the request, and how to give the slot back (idempotent). */
export interface Lease {
  dest: string;
  release(): void;
}

interface Tracker {
  dest: string;
  inFlight: number;
}

interface Waiter {
  grant(lease: Lease): void;
  fail(error: Error): void;
}

export interface ThrottlerOptions {
  containerConcurrency: number;
  queueDepth?: number;
  /** For the power-of-two-choices policy (tests inject one). */
  random?: () => number;
}

export class RevisionThrottler {
  private cc: number;
  private readonly queueDepth: number;
  private readonly random: () => number;
  private trackers: Tracker[] = [];
  private readonly waiters: Waiter[] = [];
  private cursor = 0;

  constructor(o: ThrottlerOptions) {
    this.cc = o.containerConcurrency;
    this.queueDepth = o.queueDepth ?? ACTIVATOR_QUEUE_DEPTH;
    this.random = o.random ?? Math.random;
  }

  get containerConcurrency(): number {
    return this.cc;
  }

  /** Ready pods (destinations) right now. */
  get backends(): readonly string[] {
    return this.trackers.map((t) => t.dest);
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Requests holding a slot on some pod. */
  get active(): number {
    return this.trackers.reduce((n, t) => n + t.inFlight, 0);
  }

  /** How many requests may be in flight at once: ready pods x cc; Infinity for cc 0 with a pod; 0 with none. */
  get capacity(): number {
    if (this.trackers.length === 0) return 0;
    return this.cc === 0 ? Infinity : this.cc * this.trackers.length;
  }

  /** The revision's ready pods or its containerConcurrency changed: waiting requests go out if they now can. */
  update(o: { containerConcurrency: number; dests: readonly string[] }): void {
    this.cc = o.containerConcurrency;
    const old = new Map(this.trackers.map((t) => [t.dest, t]));
    this.trackers = [...new Set(o.dests)].sort().map((dest) => old.get(dest) ?? { dest, inFlight: 0 });
    this.dispatch();
  }

  /**
   * A slot on a ready pod: at once if one is free and nobody waits before us, else in arrival order once one
   * frees up or a pod becomes ready. Rejects at once with QueueFullError when the queue is full, and with
   * the signal's reason when it aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<Lease> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.waiters.length === 0) {
      const t = this.pick();
      if (t) return Promise.resolve(this.lease(t));
    }
    if (this.waiters.length >= this.queueDepth) return Promise.reject(new QueueFullError());
    return new Promise<Lease>((resolve, reject) => {
      const onAbort = () => {
        this.remove(waiter);
        reject(signal?.reason as Error);
      };
      const waiter: Waiter = {
        grant: (lease) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(lease);
        },
        fail: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Rejects every waiting request with `error` (the revision is gone, the activator stops). */
  failAll(error: Error): void {
    for (const w of this.waiters.splice(0)) w.fail(error);
  }

  private remove(w: Waiter): void {
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  private dispatch(): void {
    while (this.waiters.length > 0) {
      const t = this.pick();
      if (!t) return;
      this.waiters.shift()!.grant(this.lease(t));
    }
  }

  private lease(t: Tracker): Lease {
    t.inFlight++;
    let released = false;
    return {
      dest: t.dest,
      release: () => {
        if (released) return;
        released = true;
        t.inFlight--;
        this.dispatch();
      },
    };
  }

  private pick(): Tracker | undefined {
    const ts = this.trackers;
    if (ts.length === 0) return undefined;
    if (this.cc === 0) return this.twoChoices(ts);
    if (this.cc <= 3) return ts.find((t) => t.inFlight < this.cc);
    for (let i = 0; i < ts.length; i++) {
      const p = (this.cursor + i) % ts.length;
      if (ts[p]!.inFlight < this.cc) {
        this.cursor = p + 1;
        return ts[p];
      }
    }
    return undefined;
  }

  private twoChoices(ts: Tracker[]): Tracker {
    if (ts.length === 1) return ts[0]!;
    const i = Math.floor(this.random() * ts.length);
    let j = Math.floor(this.random() * (ts.length - 1));
    if (j >= i) j++;
    const a = ts[i]!;
    const b = ts[j]!;
    if (a.inFlight !== b.inFlight) return a.inFlight < b.inFlight ? a : b;
    return this.random() < 0.5 ? a : b;
  }
}
