import type { V1Pod } from '@kubernetes/client-node';
import { isTrue } from '../controllers/conditions.ts';
import type { Lister } from '../controllers/runtime/informer.ts';
import { LABEL } from '../serving/resources.ts';
import type { KRoute } from '../serving/types.ts';

export interface Backend {
  revision: string;
  address: string;
  port: number;
}

/**
 * Host -> weighted revisions -> ready pods, read from Routes' status and Pods' status (the reference cannot
 * use EndpointSlices: they refuse loopback addresses). Chooses per request, never per connection.
 */
export class RoutingTable {
  private readonly cursor = new Map<string, number>();

  private readonly routes: Lister<KRoute>;
  private readonly pods: Lister<V1Pod>;

  constructor(routes: Lister<KRoute>, pods: Lister<V1Pod>) {
    this.routes = routes;
    this.pods = pods;
  }

  /** The route's namespace and traffic targets whose URL host is `host`. */
  targetsFor(host: string): { namespace: string; targets: { revisionName: string; percent: number }[] } | undefined {
    const bare = host.replace(/:\d+$/, '').toLowerCase();
    for (const route of this.routes.list()) {
      const status = route.status;
      if (!status?.url) continue;
      const namespace = route.metadata?.namespace ?? '';
      if (new URL(status.url).hostname === bare) {
        const targets = (status.traffic ?? []).filter((t) => t.revisionName && (t.percent ?? 0) > 0);
        return { namespace, targets: targets.map((t) => ({ revisionName: t.revisionName!, percent: t.percent ?? 0 })) };
      }
      const tagged = (status.traffic ?? []).find((t) => t.url && new URL(t.url).hostname === bare);
      if (tagged?.revisionName) return { namespace, targets: [{ revisionName: tagged.revisionName, percent: 100 }] };
    }
    return undefined;
  }

  pickRevision(targets: { revisionName: string; percent: number }[], random = Math.random()): string | undefined {
    const total = targets.reduce((s, t) => s + t.percent, 0);
    let x = random * total;
    for (const t of targets) {
      x -= t.percent;
      if (x < 0) return t.revisionName;
    }
    return targets.at(-1)?.revisionName;
  }

  /** A ready pod of the revision, round robin. */
  pickBackend(namespace: string, revision: string): Backend | undefined {
    const ready = this.pods
      .list(namespace)
      .filter((p) => p.metadata?.labels?.[LABEL.revision] === revision && p.status?.podIP && !p.metadata?.deletionTimestamp)
      .filter((p) => isTrue(p.status?.conditions as never, 'Ready'))
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    if (ready.length === 0) return undefined;
    const n = this.cursor.get(revision) ?? 0;
    this.cursor.set(revision, n + 1);
    const pod = ready[n % ready.length]!;
    const port = pod.spec?.containers[0]?.ports?.[0]?.containerPort ?? 8080;
    return { revision, address: pod.status!.podIP!, port };
  }
}
