import type { KRoute, TrafficTarget } from '../serving/types.ts';

interface Seen {
  /** Epoch ms the gateway first saw this status.traffic; -Infinity for one served at once. */
  at: number;
  traffic: TrafficTarget[] | undefined;
  key: string;
}

/**
 * The stale-traffic-split mutant: each Route's status.traffic as it was `lagMs` ago, so that the gateway keeps
 * serving a previous split for `lagMs` after a change (a gateway whose programming lags behind what it reports:
 * ConfigSync still reports the new split programmed, and the Route goes Ready on it). A Route's first split
 * with targets is served at once, so that a new Service is reachable when it is Ready. `wake` is called when
 * a lagged split becomes due, to rebuild the configuration then.
 */
export class StaleTraffic {
  private readonly lagMs: number;
  private readonly wake: () => void;
  private readonly history = new Map<string, Seen[]>();

  constructor(lagMs: number, wake: () => void) {
    this.lagMs = lagMs;
    this.wake = wake;
  }

  /** The Routes as the mutant serves them now: each with the newest status.traffic at least `lagMs` old. */
  routes(routes: readonly KRoute[], now = Date.now()): KRoute[] {
    const live = new Set<string>();
    const out = routes.map((route) => {
      const name = `${route.metadata?.namespace ?? ''}/${route.metadata?.name ?? ''}`;
      live.add(name);
      const traffic = route.status?.traffic;
      const key = JSON.stringify(traffic ?? []);
      const seen = this.history.get(name) ?? [];
      if (seen.at(-1)?.key !== key) {
        const servedBefore = seen.some((s) => (s.traffic ?? []).some((t) => (t.percent ?? 0) > 0));
        seen.push({ at: servedBefore ? now : -Infinity, traffic, key });
        if (servedBefore) setTimeout(this.wake, this.lagMs + 5).unref();
      }
      let due = 0;
      for (let i = 0; i < seen.length; i++) if (seen[i]!.at <= now - this.lagMs) due = i;
      const kept = seen.slice(due);
      this.history.set(name, kept);
      return { ...route, status: { ...route.status, traffic: kept[0]!.traffic } };
    });
    for (const name of this.history.keys()) if (!live.has(name)) this.history.delete(name);
    return out;
  }
}
