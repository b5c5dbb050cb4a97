// Not `import`: see queue-proxy.ts.
const { connect } = process.getBuiltinModule('node:net');

/**
 * Knative's aggressive probing (pkg/queue/readiness): each try allowed 100 ms; a try every 25 ms (Knative's
 * retryInterval is 50 ms: a cold start here waits on a Node program, not a Go one, and every ms counts).
 */
export const RETRY_INTERVAL_MS = 25;
export const ATTEMPT_TIMEOUT_MS = 100;
/** How long one health check may poll the user container (Knative's PollTimeout). */
export const POLL_TIMEOUT_MS = 10_000;

/** Whether `host:port` accepts a TCP connection within `timeoutMs`. */
export function tcpAccepts(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * The user container's readiness as the queue-proxy sees it (Knative's default: a TCP connection to the user
 * port). From start it polls aggressively until the first success, so that a cold start costs no probe period.
 * After that, every health check probes afresh, polling until success for at most `POLL_TIMEOUT_MS` or until
 * whoever asked gives up.
 */
export class UserContainerProbe {
  private readonly host: string;
  private readonly port: number;
  private readonly startedAt = Date.now();
  private stopped = false;
  private readyOnce = false;
  private readonly stopSignal = new AbortController();
  /** Resolves once the user container has accepted a connection (or the probe is stopped). */
  readonly firstReady: Promise<void>;

  constructor(host: string, port: number, onFirstReady: (afterMs: number) => void = () => undefined) {
    this.host = host;
    this.port = port;
    this.firstReady = this.poll(Infinity, this.stopSignal.signal).then((ok) => {
      if (!ok) return;
      this.readyOnce = true;
      onFirstReady(Date.now() - this.startedAt);
    });
  }

  /** The user container has accepted a connection at least once. */
  get everReady(): boolean {
    return this.readyOnce;
  }

  /** Ready now: polls until the user port accepts, for at most `holdMs` or until `signal` aborts. */
  async check(holdMs: number, signal?: AbortSignal): Promise<boolean> {
    const signals = signal ? AbortSignal.any([signal, this.stopSignal.signal]) : this.stopSignal.signal;
    if (!this.readyOnce) {
      // The start-up poll is already running: wait for it rather than probing twice.
      const ok = await Promise.race([this.firstReady.then(() => this.readyOnce), pause(holdMs, signals).then(() => false)]);
      if (!ok) return false;
    }
    return this.poll(holdMs, signals);
  }

  stop(): void {
    this.stopped = true;
    this.stopSignal.abort();
  }

  private async poll(holdMs: number, signal: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + holdMs;
    for (;;) {
      if (this.stopped || signal.aborted) return false;
      const began = Date.now();
      if (await tcpAccepts(this.host, this.port, ATTEMPT_TIMEOUT_MS)) return !this.stopped;
      if (Date.now() >= deadline) return false;
      await pause(Math.max(0, Math.min(RETRY_INTERVAL_MS - (Date.now() - began), deadline - Date.now())), signal);
    }
  }
}
