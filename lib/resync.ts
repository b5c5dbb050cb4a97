/**
 * A debounced, level-triggered resync loop: what a controller that rebuilds everything from the current state
 * of its inputs (rather than acting on each change) runs.
 *
 * - Any change (`schedule()`) schedules one pass `debounceMs` later; changes meanwhile are covered by it.
 * - Passes never overlap: a pass due while another runs starts as soon as that one ends.
 * - A change during a pass schedules another: the running pass may have read the inputs before it.
 * - A pass that throws is reported (`onError`); the loop goes on. A pass that could not do everything asks
 *   for another by calling `schedule()`.
 * - `stop()` cancels what is scheduled and waits for the running pass; no pass starts after it.
 *
 * With `held: true` the loop starts held: changes are recorded but no pass runs until `release()`, which runs
 * one at once if any change came meanwhile (e.g. until the thing it configures has started).
 */
export interface ResyncOptions {
  debounceMs: number;
  /** A pass threw (or rejected). */
  onError: (error: unknown) => void;
  /** No pass until `release()` (default false). */
  held?: boolean;
}

export class Resync {
  private readonly pass: () => Promise<void>;
  private readonly o: ResyncOptions;
  private held: boolean;
  /** A change came while held. */
  private changedWhileHeld = false;
  private timer: NodeJS.Timeout | undefined;
  /** The debounce ran out while a pass was running: another starts when it ends. */
  private due = false;
  private running: Promise<void> | undefined;
  private stopped = false;
  private waiters: (() => void)[] = [];

  constructor(pass: () => Promise<void>, options: ResyncOptions) {
    this.pass = pass;
    this.o = options;
    this.held = options.held ?? false;
  }

  /** A change: one pass `debounceMs` from now, unless one is already scheduled (which covers it). */
  schedule(): void {
    if (this.stopped) return;
    if (this.held) {
      this.changedWhileHeld = true;
      return;
    }
    if (this.timer !== undefined || this.due) return;
    this.timer = setTimeout(() => this.debounced(), this.o.debounceMs);
  }

  /** Ends the hold: a pass at once if a change came while held (after the running one, if any). */
  release(): void {
    if (!this.held || this.stopped) return;
    this.held = false;
    if (!this.changedWhileHeld) return;
    this.changedWhileHeld = false;
    if (this.running) this.due = true;
    else this.run();
  }

  /** Cancels the scheduled pass and waits for the running one; nothing runs afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due = false;
    this.changedWhileHeld = false;
    await this.running;
    this.notify();
  }

  /**
   * Resolves once no pass is scheduled, due or running, and no change waits for a release: every change so far
   * has been through a pass that started after it (or the loop was stopped).
   */
  settled(): Promise<void> {
    if (this.isSettled()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private isSettled(): boolean {
    return this.timer === undefined && !this.due && this.running === undefined && !this.changedWhileHeld;
  }

  private debounced(): void {
    this.timer = undefined;
    if (this.stopped) return;
    if (this.running) this.due = true;
    else this.run();
  }

  private run(): void {
    this.running = (async () => {
      try {
        await this.pass();
      } catch (e) {
        this.o.onError(e);
      }
    })().finally(() => {
      this.running = undefined;
      if (this.due && !this.stopped) {
        this.due = false;
        this.run();
      } else this.notify();
    });
  }

  private notify(): void {
    if (!this.isSettled()) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
