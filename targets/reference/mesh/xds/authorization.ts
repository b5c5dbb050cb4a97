import type { IAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import type { MeshPod, MeshSnapshot } from '../snapshot.ts';
import { rbacPolicy, type RbacPolicy } from './authorization-rules.ts';
import { matches, oldestFirst } from './peer-authentication.ts';

export interface AuthorizationOptions {
  mutants?: {
    /** The sidecar enforces no AuthorizationPolicy at all: no RBAC filters. */
    authzIgnored?: boolean;
  };
  /** Told about each policy part that cannot be translated and how it was handled (it fails closed). */
  warn?: (message: string) => void;
}

export const RBAC_FILTER_NAME = 'envoy.filters.http.rbac';
const RBAC_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC';
/** istiod's name for the policy it puts in place of a CUSTOM policy whose provider it cannot use. */
const BAD_CUSTOM_POLICY = 'default-deny-all-due-to-bad-CUSTOM-action';

/**
 * The AuthorizationPolicies that apply to a workload's sidecar: those in the root namespace (mesh-wide) and in
 * the workload's namespace whose selector is absent, empty or matches the pod's labels. A policy with
 * `targetRef`/`targetRefs` does not apply: Istio binds those to gateways and waypoints, never to sidecars
 * ("At most one of the selector and targetRefs can be set").
 */
export function applicableAuthorizationPolicies(snapshot: Pick<MeshSnapshot, 'rootNamespace' | 'authorizationPolicies'>, pod: Pick<MeshPod, 'namespace' | 'labels'>): IAuthorizationPolicy[] {
  return snapshot.authorizationPolicies
    .filter((p) => {
      const ns = p.metadata?.namespace;
      if (ns !== snapshot.rootNamespace && ns !== pod.namespace) return false;
      if (p.spec?.targetRef || (p.spec?.targetRefs?.length ?? 0) > 0) return false;
      return matches(p.spec?.selector?.matchLabels ?? {}, pod.labels);
    })
    .sort(oldestFirst);
}

/**
 * The HTTP filters that enforce the workload's AuthorizationPolicies, in the order Istio evaluates them
 * (istio.io concepts/security "Authorization"; reference `AuthorizationPolicy`): a DENY RBAC filter first (any
 * matching DENY policy denies), then an ALLOW one when at least one ALLOW policy applies (the request must
 * match one of their rules; with none applying, everything is allowed). A denied request gets Envoy's own
 * `403 RBAC: access denied`.
 * - An ALLOW policy without rules (`spec: {}`) contributes no rule: "allow-nothing", everything is denied.
 * - An empty rule (`{}`) matches every request (`rules: [{}]` with DENY denies all).
 * - CUSTOM: the mesh has no extension providers; istiod then replaces the policy by a deny-all, and so do we.
 * - AUDIT only logs in Istio and decides nothing: it is left out.
 */
export function rbacHttpFilters(snapshot: Pick<MeshSnapshot, 'rootNamespace' | 'authorizationPolicies'>, pod: Pick<MeshPod, 'namespace' | 'labels'>, opts: AuthorizationOptions = {}): object[] {
  if (opts.mutants?.authzIgnored) return [];
  const deny: Record<string, RbacPolicy> = {};
  const allow: Record<string, RbacPolicy> = {};
  let allowPolicies = 0;
  for (const policy of applicableAuthorizationPolicies(snapshot, pod)) {
    const action = policy.spec?.action ?? 'ALLOW';
    if (action === 'AUDIT') continue;
    const name = `${policy.metadata?.namespace ?? ''}/${policy.metadata?.name ?? ''}`;
    if (action === 'CUSTOM') {
      opts.warn?.(`AuthorizationPolicy ${name}: CUSTOM needs an extension provider, which this mesh has not: denying all requests, as istiod does`);
      deny[BAD_CUSTOM_POLICY] = { permissions: [{ any: true }], principals: [{ any: true }] };
      continue;
    }
    if (action === 'ALLOW') allowPolicies++;
    const ns = policy.metadata?.namespace ?? '';
    (policy.spec?.rules ?? []).forEach((rule, i) => {
      const built = rbacPolicy(rule, action, ns, (what) => opts.warn?.(`AuthorizationPolicy ${name} rule ${i}: ${what}`));
      if (built) (action === 'DENY' ? deny : allow)[`ns[${ns}]-policy[${policy.metadata?.name ?? ''}]-rule[${i}]`] = built;
    });
  }
  const filters: object[] = [];
  if (Object.keys(deny).length > 0) filters.push(rbacFilter('DENY', deny));
  if (allowPolicies > 0) filters.push(rbacFilter('ALLOW', allow));
  return filters;
}

function rbacFilter(action: 'ALLOW' | 'DENY', policies: Record<string, RbacPolicy>): object {
  return { name: RBAC_FILTER_NAME, typed_config: { '@type': RBAC_TYPE, rules: { action, policies } } };
}
