import type { ActiveMutants } from '../mutants/active.ts';
import type { KRoute, TrafficTarget } from '../serving/types.ts';

export interface Target {
  revision: string;
  percent: number;
}

/** One host the gateway serves: a Route's URL host or one of its tags' URL hosts. */
export interface HostRoute {
  host: string;
  namespace: string;
  /** In the Route's order, each revision once, percents > 0 summing to 100. */
  targets: Target[];
}

type StatusTarget = TrafficTarget & { url?: string };

/**
 * Routes' resolved traffic (`status.traffic`, as Knative's route reconciler writes it) -> one HostRoute per
 * host. Routes are taken in namespace/name order and a host is served by the first that claims it (Envoy
 * refuses a route configuration in which two virtual hosts share a domain).
 */
export function hostRoutes(routes: readonly KRoute[], mutants: Pick<ActiveMutants, 'has' | 'value'>): HostRoute[] {
  const skew = mutants.value('canary-skew');
  const tagToLatest = mutants.has('tag-routes-to-latest');
  const claimed = new Set<string>();
  const out: HostRoute[] = [];
  const claim = (h: HostRoute) => {
    if (h.targets.length === 0 || claimed.has(h.host)) return;
    claimed.add(h.host);
    out.push(h);
  };
  for (const route of [...routes].sort(byKey)) {
    const host = hostOf(route.status?.url);
    if (!host) continue;
    const namespace = route.metadata?.namespace ?? '';
    const traffic = (route.status?.traffic ?? []) as StatusTarget[];
    const split = merged(traffic);
    claim({ host, namespace, targets: skew !== undefined && split.length >= 2 ? skewed(split, skew) : split });
    for (const t of traffic) {
      const tagHost = t.tag ? hostOf(t.url) : undefined;
      const revision = tagToLatest ? latestTarget(traffic)?.revisionName : t.revisionName;
      if (tagHost && revision) claim({ host: tagHost, namespace, targets: [{ revision, percent: 100 }] });
    }
  }
  return out;
}

/** Targets with a share of the traffic, one per revision (a revision may appear twice, tagged and not). */
function merged(traffic: readonly StatusTarget[]): Target[] {
  const byRevision = new Map<string, number>();
  for (const t of traffic) {
    if (!t.revisionName || !(t.percent && t.percent > 0)) continue;
    byRevision.set(t.revisionName, (byRevision.get(t.revisionName) ?? 0) + t.percent);
  }
  return [...byRevision].map(([revision, percent]) => ({ revision, percent }));
}

/** The canary-skew mutant: `skew` points moved to the first target, taken from the others in order. */
export function skewed(targets: readonly Target[], skew: number): Target[] {
  const out = targets.map((t) => ({ ...t }));
  let wanted = Math.min(Math.max(skew, 0), 100 - out[0]!.percent);
  for (const t of out.slice(1)) {
    const take = Math.min(t.percent, wanted);
    t.percent -= take;
    out[0]!.percent += take;
    wanted -= take;
  }
  return out.filter((t) => t.percent > 0);
}

/** The tag-routes-to-latest mutant's target: the first one that follows the latest revision, else the last. */
function latestTarget(traffic: readonly StatusTarget[]): StatusTarget | undefined {
  return traffic.find((t) => t.latestRevision === true && t.revisionName) ?? traffic.at(-1);
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

function byKey(a: KRoute, b: KRoute): number {
  const key = (r: KRoute) => `${r.metadata?.namespace ?? ''}/${r.metadata?.name ?? ''}`;
  return key(a).localeCompare(key(b));
}
