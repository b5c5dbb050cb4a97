import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '../errors.ts';

export interface EventuallyOptions {
  timeoutMs: number;
  /** Pause between probes; default 50 ms. */
  intervalMs?: number;
  /** More to say when it times out (a log's tail, say). */
  context?: () => string;
}

/**
 * Probes until it returns a value (not undefined), for tests that wait on an outcome rather than a time. A
 * probe that throws is tried again; the last error is in the message when it runs out.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, o: EventuallyOptions): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const more = o.context ? `; ${o.context()}` : '';
      throw new Error(`timed out after ${o.timeoutMs} ms waiting for ${what}${last ? ` (${describeError(last)})` : ''}${more}`);
    }
    await sleep(o.intervalMs ?? 50);
  }
}
