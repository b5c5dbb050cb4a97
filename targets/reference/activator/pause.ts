/**
 * Waits `ms`, or less if `signal` aborts first; never rejects (unlike `timers/promises`' setTimeout, which
 * rejects on abort): the caller looks at the signal itself and stops as it sees fit.
 */
export const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
