import { serviceFqdn, type MeshPod, type MeshService, type MeshSnapshot } from '../snapshot.ts';
import { matches } from './peer-authentication.ts';

export const CLUSTER_DOMAIN = 'cluster.local';

/**
 * A host written in an Istio object -> the host it names, as istiod's ResolveShortnameToFQDN: a name without a
 * dot is a Kubernetes service in the object's namespace; anything with a dot (`reviews.prod` included) and `*`
 * are taken as written. Lower-cased, as istiod compares hosts.
 */
export function resolveHost(host: string, namespace: string, clusterDomain = CLUSTER_DOMAIN): string {
  const h = host.toLowerCase();
  return h === '*' || h.includes('.') ? h : `${h}.${namespace}.svc.${clusterDomain}`;
}

/** Istio's host matching: exact, or a `*.suffix` / `*` pattern covering the name. */
export function hostMatches(pattern: string, fqdn: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return fqdn.endsWith(pattern.slice(1));
  return pattern === fqdn;
}

/** How specific a matching pattern is: an exact host beats any wildcard, a longer wildcard a shorter one. */
export function specificity(pattern: string): number {
  return pattern.startsWith('*') ? pattern.length : Number.MAX_SAFE_INTEGER;
}

/** `exportTo` as Istio reads it: unset or `*` everywhere, `.` the object's own namespace, `~` nowhere. */
export function exportedTo(exportTo: readonly string[] | undefined, ownNamespace: string, viewer: string): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || e === viewer || (e === '.' && ownNamespace === viewer));
}

export interface ServiceIndex {
  byFqdn: Map<string, MeshService>;
  clusterDomain: string;
}

export function serviceIndex(snapshot: Pick<MeshSnapshot, 'services'>, clusterDomain = CLUSTER_DOMAIN): ServiceIndex {
  const byFqdn = new Map<string, MeshService>();
  for (const s of snapshot.services) byFqdn.set(serviceFqdn(s, clusterDomain), s);
  return { byFqdn, clusterDomain };
}

/** The pods a service selects (a service without a selector selects none). */
export function selectedPods(service: MeshService, pods: readonly MeshPod[]): MeshPod[] {
  if (Object.keys(service.selector).length === 0) return [];
  return pods.filter((p) => p.namespace === service.namespace && matches(service.selector, p.labels));
}

/**
 * The Host/authority values a client in `proxyNamespace` reaches a service port by, as istiod's
 * generateVirtualHostDomains for a Kubernetes service: the FQDN, `name.ns.svc`, `name.ns` and, from the
 * service's own namespace, `name`; each with `:port`. Without a port only for port 80, as istiod merges the
 * virtual hosts of all ports into one route configuration (its HTTP proxy's): a request without a port means 80.
 */
export function serviceDomains(service: MeshService, port: number, proxyNamespace: string, clusterDomain = CLUSTER_DOMAIN): string[] {
  const names = [serviceFqdn(service, clusterDomain), `${service.name}.${service.namespace}.svc`, `${service.name}.${service.namespace}`];
  if (service.namespace === proxyNamespace) names.push(service.name);
  return names.flatMap((n) => (port === 80 ? [n, `${n}:${port}`] : [`${n}:${port}`]));
}
