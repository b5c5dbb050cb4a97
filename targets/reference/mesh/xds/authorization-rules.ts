import { isIP } from 'node:net';
import type { IAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';

type Spec = NonNullable<IAuthorizationPolicy['spec']>;
export type AuthzRule = NonNullable<Spec['rules']>[number];
type Source = NonNullable<NonNullable<AuthzRule['from']>[number]['source']>;
type Operation = NonNullable<NonNullable<AuthzRule['to']>[number]['operation']>;

/** Envoy RBAC's `Permission` and `Principal` (config.rbac.v3), as JSON. */
export type Permission = Record<string, unknown>;
export type Principal = Record<string, unknown>;
export interface RbacPolicy {
  permissions: Permission[];
  principals: Principal[];
}

/** A value this translation cannot express (no JWT authentication, path templates, a bad CIDR or port...). */
class Unsupported extends Error {}

/**
 * One AuthorizationPolicy rule as an Envoy RBAC policy, the way istiod builds it: one permission per `to`
 * (AND of its operation's fields and the `when` conditions on the destination), one principal per `from` (AND of
 * its source's fields and the `when` conditions on the source); within a field the values are ORed, `not*`
 * values are a NOT of their OR. A missing `from`/`to` matches anything.
 *
 * Unsupported values are handled as istiod handles values it cannot translate: in an ALLOW policy the whole
 * rule is dropped (returns undefined: it allows less), in a DENY policy only that value is ignored (it denies
 * more). Unsupported here: `requestPrincipals`/`notRequestPrincipals` and `request.auth.*` conditions (the mesh
 * has no RequestAuthentication), `experimental.envoy.filters.*` conditions, path templates (`{*}`, `{**}`),
 * and condition keys Istio does not know (its webhook would reject those).
 */
export function rbacPolicy(rule: AuthzRule, action: 'ALLOW' | 'DENY', policyNamespace: string, warn: (what: string) => void = () => undefined): RbacPolicy | undefined {
  const keep = <T>(gen: (v: string) => T) => (v: string): T | undefined => {
    try {
      return gen(v);
    } catch (e) {
      if (!(e instanceof Unsupported) || action === 'ALLOW') throw e;
      warn(`${e.message} is not supported: ignored, the DENY rule matches more`);
      return undefined;
    }
  };
  const onDestination: Field<Permission>[] = [];
  const onSource: Field<Principal>[] = [];
  for (const w of rule.when ?? []) {
    const c = condition(w.key);
    const field = { values: w.values, notValues: w.notValues };
    if (c.on === 'destination') onDestination.push({ ...field, gen: keep(c.gen) });
    else onSource.push({ ...field, gen: keep(c.gen) });
  }
  try {
    const froms = rule.from?.length ? rule.from : [{}];
    const tos = rule.to?.length ? rule.to : [{}];
    return {
      principals: froms.map((f) => allOf(principalAnd, { any: true }, [...sourceFields(f.source ?? {}, policyNamespace), ...onSource].flatMap((x) => fieldMatchers(x, principalOr, principalNot)))),
      permissions: tos.map((t) => allOf(permissionAnd, { any: true }, [...operationFields(t.operation ?? {}), ...onDestination].flatMap((x) => fieldMatchers(x, permissionOr, permissionNot)))),
    };
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    warn(`${e.message} is not supported: the ALLOW rule matches nothing`);
    return undefined;
  }

  function sourceFields(s: Source, ns: string): Field<Principal>[] {
    return [
      { values: s.principals, notValues: s.notPrincipals, gen: keep(principal) },
      { values: s.requestPrincipals, notValues: s.notRequestPrincipals, gen: keep(unsupported('requestPrincipals (the mesh has no RequestAuthentication)')) },
      { values: s.namespaces, notValues: s.notNamespaces, gen: keep(namespace) },
      { values: s.serviceAccounts, notValues: s.notServiceAccounts, gen: keep((v) => serviceAccount(ns, v)) },
      { values: s.ipBlocks, notValues: s.notIpBlocks, gen: keep((v) => ({ direct_remote_ip: cidr(v) })) },
      { values: s.remoteIpBlocks, notValues: s.notRemoteIpBlocks, gen: keep((v) => ({ remote_ip: cidr(v) })) },
    ];
  }
  function operationFields(o: Operation): Field<Permission>[] {
    return [
      { values: o.hosts, notValues: o.notHosts, gen: keep((v) => ({ header: headerMatcher(':authority', v, true) })) },
      { values: o.methods, notValues: o.notMethods, gen: keep((v) => ({ header: headerMatcher(':method', v) })) },
      { values: o.paths, notValues: o.notPaths, gen: keep(path) },
      { values: o.ports, notValues: o.notPorts, gen: keep((v) => ({ destination_port: port(v) })) },
    ];
  }
}

interface Field<T> {
  values?: string[];
  notValues?: string[];
  gen: (v: string) => T | undefined;
}

function fieldMatchers<T>(f: Field<T>, or: (xs: T[]) => T, not: (x: T) => T): T[] {
  const out: T[] = [];
  const values = (f.values ?? []).map(f.gen).filter((x): x is T => x !== undefined);
  if (values.length > 0) out.push(or(values));
  const notValues = (f.notValues ?? []).map(f.gen).filter((x): x is T => x !== undefined);
  if (notValues.length > 0) out.push(not(or(notValues)));
  return out;
}

function allOf<T>(and: (xs: T[]) => T, any: T, xs: T[]): T {
  return and(xs.length > 0 ? xs : [any]);
}

const permissionAnd = (rules: Permission[]): Permission => ({ and_rules: { rules } });
const permissionOr = (rules: Permission[]): Permission => ({ or_rules: { rules } });
const permissionNot = (rule: Permission): Permission => ({ not_rule: rule });
const principalAnd = (ids: Principal[]): Principal => ({ and_ids: { ids } });
const principalOr = (ids: Principal[]): Principal => ({ or_ids: { ids } });
const principalNot = (id: Principal): Principal => ({ not_id: id });

/** A `when` key: which side of the RBAC policy it constrains, and its matcher per value. */
function condition(key: string): { on: 'source'; gen: (v: string) => Principal } | { on: 'destination'; gen: (v: string) => Permission } {
  switch (key) {
    case 'source.principal': return { on: 'source', gen: principal };
    case 'source.namespace': return { on: 'source', gen: namespace };
    case 'source.ip': return { on: 'source', gen: (v) => ({ direct_remote_ip: cidr(v) }) };
    case 'remote.ip': return { on: 'source', gen: (v) => ({ remote_ip: cidr(v) }) };
    case 'destination.ip': return { on: 'destination', gen: (v) => ({ destination_ip: cidr(v) }) };
    case 'destination.port': return { on: 'destination', gen: (v) => ({ destination_port: port(v) }) };
    case 'connection.sni': return { on: 'destination', gen: (v) => ({ requested_server_name: stringMatcher(v) }) };
  }
  const header = /^request\.headers\[([^\]]+)\]$/.exec(key)?.[1];
  if (header) return { on: 'source', gen: (v) => ({ header: headerMatcher(header, v) }) };
  return { on: 'source', gen: unsupported(`condition ${key}`) };
}

function unsupported(what: string): (v: string) => never {
  return (v) => {
    throw new Unsupported(`${what} ${JSON.stringify(v)}`);
  };
}

/** Istio's `principals`: `cluster.local/ns/x/sa/y` against the peer certificate's URI SAN `spiffe://...`. */
function principal(v: string): Principal {
  return { authenticated: { principal_name: stringMatcher(v, 'spiffe://') } };
}

function namespace(v: string): Principal {
  return { authenticated: { principal_name: { safe_regex: { regex: `.*/ns/${v.split('*').map(escapeRegex).join('.*')}/.*` } } } };
}

/** `serviceAccounts`: `name` (in the policy's namespace) or `namespace/name`. */
function serviceAccount(policyNamespace: string, v: string): Principal {
  const [ns, sa] = v.includes('/') ? [v.slice(0, v.indexOf('/')), v.slice(v.indexOf('/') + 1)] : [policyNamespace, v];
  return { authenticated: { principal_name: { safe_regex: { regex: `spiffe://.+/ns/${escapeRegex(ns)}/(.+/|)sa/${escapeRegex(sa)}(/.+)?` } } } };
}

function path(v: string): Permission {
  if (/\{\*\*?\}/.test(v)) throw new Unsupported(`path template ${v}`);
  return { url_path: { path: stringMatcher(v) } };
}

/** Istio's value matching: exact, `prefix*`, `*suffix`, and `*` for "present, not empty". */
export function stringMatcher(v: string, prefix = ''): Record<string, unknown> {
  if (v === '*') return { safe_regex: { regex: '.+' } };
  if (v.startsWith('*')) return prefix ? { safe_regex: { regex: `${escapeRegex(prefix)}.*${escapeRegex(v.slice(1))}` } } : { suffix: v.slice(1) };
  if (v.endsWith('*')) return { prefix: prefix + v.slice(0, -1) };
  return { exact: prefix + v };
}

function headerMatcher(name: string, v: string, ignoreCase = false): Record<string, unknown> {
  if (v === '*') return { name, present_match: true };
  return { name, string_match: { ...stringMatcher(v), ...(ignoreCase ? { ignore_case: true } : {}) } };
}

function port(v: string): number {
  const n = /^\d{1,5}$/.test(v) ? Number(v) : Number.NaN;
  if (!(n >= 0 && n <= 65535)) throw new Unsupported(`port ${v}`);
  return n;
}

function cidr(v: string): { address_prefix: string; prefix_len: number } {
  const [address = '', len] = v.split('/');
  const family = isIP(address);
  const max = family === 6 ? 128 : 32;
  const prefixLen = len === undefined ? max : /^\d+$/.test(len) ? Number(len) : Number.NaN;
  if (family === 0 || !(prefixLen >= 0 && prefixLen <= max)) throw new Unsupported(`IP block ${v}`);
  return { address_prefix: address, prefix_len: prefixLen };
}

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
