/**
 * A check that each connection carries the whole split: on a platform that chooses per request, every
 * connection that carried n requests missed a share p with probability (1 - p)^n. A platform that chooses per
 * connection (or per client) sends every request of a connection to one target, and fails it at once.
 *
 * `minRequests` is the smallest n for which the chance that any of `connections` connections misses any of the
 * shares is at most `alpha` on a per-request platform (union bound: connections * sum_i (1 - p_i)^n <= alpha).
 * The event "connection j carried n >= minRequests and has not seen target i" can only stop being true, so it
 * may be looked at after every response without raising that chance.
 */
export function connectionMixMinRequests(expectedShares: readonly number[], connections: number, alpha: number): number {
  if (expectedShares.some((p) => !(p > 0 && p < 1))) throw new RangeError('expected shares must be in (0, 1)');
  if (!(alpha > 0 && alpha < 1) || !(connections >= 1)) throw new RangeError('alpha in (0, 1) and connections >= 1');
  let n = 1;
  while (connections * expectedShares.reduce((s, p) => s + (1 - p) ** n, 0) > alpha) n++;
  return n;
}

export interface ConnectionMix {
  /** Connections that carried at least minRequests requests. */
  judged: number;
  /** Of those, connections that saw every target. */
  mixed: number;
  /** Judged connections that missed a target: id, requests, what they saw. */
  unmixed: { connection: number; requests: number; seen: Record<string, number> }[];
}

/** Tracks, per connection, which targets answered; judges connections once they carried minRequests. */
export class ConnectionMixCheck {
  readonly names: readonly string[];
  readonly minRequests: number;
  private readonly seen = new Map<number, Record<string, number>>();

  constructor(names: readonly string[], minRequests: number) {
    this.names = names;
    this.minRequests = minRequests;
  }

  /** Records one answer of `name` on `connection`; false when that connection now fails the check. */
  add(connection: number, name: string): boolean {
    const s = this.seen.get(connection) ?? {};
    s[name] = (s[name] ?? 0) + 1;
    this.seen.set(connection, s);
    return this.ok(s);
  }

  private total(s: Record<string, number>): number {
    return Object.values(s).reduce((a, b) => a + b, 0);
  }

  private ok(s: Record<string, number>): boolean {
    return this.total(s) < this.minRequests || this.names.every((n) => (s[n] ?? 0) > 0);
  }

  result(): ConnectionMix {
    const judged = [...this.seen].filter(([, s]) => this.total(s) >= this.minRequests);
    const unmixed = judged.filter(([, s]) => !this.ok(s)).map(([connection, seen]) => ({ connection, requests: this.total(seen), seen }));
    return { judged: judged.length, mixed: judged.length - unmixed.length, unmixed };
  }
}
