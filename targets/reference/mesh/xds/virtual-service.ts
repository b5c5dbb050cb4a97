import type { IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import type { MeshPod, MeshSnapshot } from '../snapshot.ts';
import { exportedTo, hostMatches, resolveHost, specificity, CLUSTER_DOMAIN } from './mesh-hosts.ts';
import { oldestFirst } from './peer-authentication.ts';
import { translateRule, type EnvoyRoute, type RuleContext } from './route-action.ts';
import { appliesToSource, isCatchAll, MESH_GATEWAY, resolveGatewayName, routeMatch } from './route-match.ts';

/** The gateway names a sidecar answers to in `gateways` fields. */
const SIDECAR_GATEWAYS: ReadonlySet<string> = new Set([MESH_GATEWAY]);

/**
 * The VirtualServices bound to a gateway and exported to the proxy's namespace, oldest first (the order istiod
 * gives precedence in): istiod's VirtualServicesForGateway. `gateway` is `mesh` for sidecars (a VirtualService
 * without `gateways` is bound to the mesh) or a Gateway's `<namespace>/<name>`, as resolveGatewayName gives it.
 */
export function virtualServicesForGateway(snapshot: Pick<MeshSnapshot, 'virtualServices'>, gateway: string, proxyNamespace: string): IVirtualService[] {
  return snapshot.virtualServices
    .filter((vs) => {
      const ns = vs.metadata?.namespace ?? 'default';
      const gateways = vs.spec?.gateways ?? [];
      const bound = gateways.length === 0 ? gateway === MESH_GATEWAY : gateways.some((g) => resolveGatewayName(g, ns) === gateway);
      return bound && exportedTo(vs.spec?.exportTo, ns, proxyNamespace);
    })
    .sort(oldestFirst);
}

/** The VirtualServices that apply to a sidecar: those bound to the mesh. */
export function meshVirtualServices(snapshot: Pick<MeshSnapshot, 'virtualServices'>, proxy: Pick<MeshPod, 'namespace'>): IVirtualService[] {
  return virtualServicesForGateway(snapshot, MESH_GATEWAY, proxy.namespace);
}

/**
 * The VirtualService whose routes a service's hosts get: the oldest naming it exactly, else the one with the
 * most specific wildcard host covering it (istiod's most-specific-wildcard index), else none.
 */
export function virtualServiceFor(virtualServices: readonly IVirtualService[], fqdn: string, clusterDomain = CLUSTER_DOMAIN): IVirtualService | undefined {
  let best: { vs: IVirtualService; rank: number } | undefined;
  for (const vs of virtualServices) {
    const ns = vs.metadata?.namespace ?? 'default';
    for (const h of vs.spec?.hosts ?? []) {
      const host = resolveHost(h, ns, clusterDomain);
      if (!hostMatches(host, fqdn)) continue;
      const rank = specificity(host);
      if (!best || rank > best.rank) best = { vs, rank };
    }
  }
  return best?.vs;
}

/**
 * A VirtualService's HTTP rules -> Envoy routes for requests to one port, as istiod's
 * BuildHTTPRoutesForVirtualService: rules in order, one route per match (matches are OR'd; a match naming
 * another port, or a source or gateway this proxy is not, is skipped); nothing after a route that takes
 * everything. `gateways` are the names the proxy answers to: `mesh` for a sidecar, its Gateway's
 * `<namespace>/<name>` for a gateway. Empty when no rule applies: a sidecar's service then gets its default
 * route, a gateway leaves the VirtualService out.
 */
export function virtualServiceRoutes(
  vs: IVirtualService,
  proxy: Pick<MeshPod, 'labels' | 'namespace'>,
  ctx: Omit<RuleContext, 'namespace'>,
  gateways: ReadonlySet<string> = SIDECAR_GATEWAYS,
): EnvoyRoute[] {
  const rc: RuleContext = { ...ctx, namespace: vs.metadata?.namespace ?? 'default' };
  const ignoreHeaders = ctx.mutants.ignoresHeaderMatch === true;
  const out: EnvoyRoute[] = [];
  for (const rule of vs.spec?.http ?? []) {
    let catchAll = false;
    if (!rule.match || rule.match.length === 0) {
      const r = translateRule(rule, routeMatch(undefined), undefined, rc);
      if (r) out.push(r);
      catchAll = true;
    } else {
      for (const m of rule.match) {
        if ((m.port && m.port !== ctx.listenPort) || !appliesToSource(m, proxy, gateways, rc.namespace)) continue;
        const r = translateRule(rule, routeMatch(m, ignoreHeaders), m.name, rc);
        if (!r) continue;
        out.push(r);
        if (isCatchAll(r.match)) {
          catchAll = true;
          break;
        }
      }
    }
    if (catchAll) break;
  }
  if ((vs.spec?.tcp?.length ?? 0) > 0 || (vs.spec?.tls?.length ?? 0) > 0) ctx.warn(`VirtualService ${rc.namespace}/${vs.metadata?.name}: tcp/tls routes are not supported`);
  return out;
}
