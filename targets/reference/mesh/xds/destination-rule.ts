import type { IDestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import type { MeshPod, MeshSnapshot } from '../snapshot.ts';
import { exportedTo, hostMatches, resolveHost, specificity, CLUSTER_DOMAIN } from './mesh-hosts.ts';
import { matches, oldestFirst } from './peer-authentication.ts';

// The parts of Istio's DestinationRule API the translation reads. Narrower than the generated model's types, which
// are unions too large for type-aware linting to follow.
export interface ConnectionPoolSettings {
  tcp?: { maxConnections?: number; connectTimeout?: string; maxConnectionDuration?: string; idleTimeout?: string };
  http?: {
    http1MaxPendingRequests?: number; http2MaxRequests?: number; maxRequestsPerConnection?: number; maxRetries?: number;
    idleTimeout?: string; h2UpgradePolicy?: string; useClientProtocol?: boolean;
  };
}
export interface OutlierDetectionSettings {
  consecutive5xxErrors?: number; consecutiveGatewayErrors?: number; consecutiveLocalOriginFailures?: number; splitExternalLocalOriginErrors?: boolean;
  interval?: string; baseEjectionTime?: string; maxEjectionPercent?: number; minHealthPercent?: number;
}
export interface ClientTlsSettings {
  mode?: 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';
  sni?: string;
  subjectAltNames?: string[];
}
/** The parts of a traffic policy that shape one cluster (port-level settings already resolved). */
export interface ClusterPolicy {
  connectionPool?: ConnectionPoolSettings;
  outlierDetection?: OutlierDetectionSettings;
  loadBalancer?: { simple?: string } & Record<string, unknown>;
  tls?: ClientTlsSettings;
}
export interface TrafficPolicy extends ClusterPolicy {
  portLevelSettings?: (ClusterPolicy & { port?: { number?: number } })[];
}
export interface Subset {
  name: string;
  labels?: Record<string, string>;
  trafficPolicy?: TrafficPolicy;
}
interface DestinationRuleSpec {
  host: string;
  exportTo?: string[];
  workloadSelector?: { matchLabels?: Record<string, string> };
  trafficPolicy?: TrafficPolicy;
  subsets?: Subset[];
}

const specOf = (dr: IDestinationRule) => dr.spec as unknown as DestinationRuleSpec | undefined;

/** The DestinationRule a proxy uses for a host: merged from the rules of one namespace for the same host. */
export interface EffectiveDestinationRule {
  namespace: string;
  /** `namespace/name` of the rules merged, oldest first. */
  from: string[];
  trafficPolicy?: TrafficPolicy;
  subsets: Subset[];
}

/**
 * The DestinationRule for `fqdn` as seen from `proxy`, as istiod looks it up: first among the proxy's own
 * namespace's rules, then the service's namespace's, then the root namespace's (each exported to the proxy's
 * namespace, and with a workloadSelector only if it selects the proxy); within a namespace the most specific
 * host wins (exact over wildcard), and several rules for that host merge: subsets accumulate (the first of a
 * name wins), the oldest rule's trafficPolicy counts.
 */
export function destinationRuleFor(
  snapshot: Pick<MeshSnapshot, 'destinationRules' | 'rootNamespace'>,
  proxy: Pick<MeshPod, 'namespace' | 'labels'>,
  fqdn: string,
  serviceNamespace: string,
  clusterDomain = CLUSTER_DOMAIN,
): EffectiveDestinationRule | undefined {
  const rules = [...snapshot.destinationRules].sort(oldestFirst);
  for (const ns of new Set([proxy.namespace, serviceNamespace, snapshot.rootNamespace])) {
    const candidates = rules.flatMap((dr) => {
      const own = dr.metadata?.namespace ?? 'default';
      const spec = specOf(dr);
      if (own !== ns || !spec) return [];
      if (!exportedTo(spec.exportTo, own, proxy.namespace)) return [];
      const selector = spec.workloadSelector?.matchLabels;
      if (selector && (own !== proxy.namespace || !matches(selector, proxy.labels))) return [];
      const host = resolveHost(spec.host, own, clusterDomain);
      return hostMatches(host, fqdn) ? [{ dr, host }] : [];
    });
    if (candidates.length === 0) continue;
    const bestHost = candidates.reduce((a, c) => (specificity(c.host) > specificity(a.host) ? c : a)).host;
    return merge(ns, candidates.filter((c) => c.host === bestHost).map((c) => c.dr));
  }
  return undefined;
}

function merge(namespace: string, rules: IDestinationRule[]): EffectiveDestinationRule {
  const out: EffectiveDestinationRule = { namespace, from: [], subsets: [] };
  for (const dr of rules) {
    out.from.push(`${namespace}/${dr.metadata?.name ?? ''}`);
    const spec = specOf(dr);
    if (!out.trafficPolicy && spec?.trafficPolicy) out.trafficPolicy = spec.trafficPolicy;
    for (const s of spec?.subsets ?? []) if (!out.subsets.some((x) => x.name === s.name)) out.subsets.push(s);
  }
  return out;
}

/**
 * The policy of one cluster, as istiod's MergeSubsetTrafficPolicy: the rule's policy, replaced wholesale by its
 * portLevelSettings for this port (port-level settings do not inherit); then a subset's policy, field by field
 * (connectionPool, outlierDetection, loadBalancer, tls), or wholesale when the subset has settings for the port.
 */
export function clusterPolicy(rule: EffectiveDestinationRule | undefined, port: number, subset?: Subset): ClusterPolicy {
  const [top] = atPort(rule?.trafficPolicy, port);
  if (!subset?.trafficPolicy) return top;
  const [own, portLevel] = atPort(subset.trafficPolicy, port);
  if (portLevel) return own;
  return {
    connectionPool: own.connectionPool ?? top.connectionPool,
    outlierDetection: own.outlierDetection ?? top.outlierDetection,
    loadBalancer: own.loadBalancer ?? top.loadBalancer,
    tls: own.tls ?? top.tls,
  };
}

function atPort(policy: TrafficPolicy | undefined, port: number): [ClusterPolicy, boolean] {
  if (!policy) return [{}, false];
  const p = policy.portLevelSettings?.find((s) => s.port?.number === port);
  const from: ClusterPolicy = p ?? policy;
  const picked: ClusterPolicy = {};
  if (from.connectionPool) picked.connectionPool = from.connectionPool;
  if (from.outlierDetection) picked.outlierDetection = from.outlierDetection;
  if (from.loadBalancer) picked.loadBalancer = from.loadBalancer;
  if (from.tls) picked.tls = from.tls;
  return [picked, p !== undefined];
}
