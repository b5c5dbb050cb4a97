import { resolveHost, type ServiceIndex } from './mesh-hosts.ts';
import { envoyDuration } from './envoy-duration.ts';
import { FAULT_FILTER, fractionOfMillion, type OutboundMutants } from './outbound-options.ts';
import { faultConfig, retryPolicy, type RetryPolicy } from './route-policies.ts';
import type { EnvoyRouteMatch, HttpRule } from './route-match.ts';

type Destination = NonNullable<HttpRule['mirror']>;
type Headers = NonNullable<HttpRule['headers']>;

export interface HeaderValueOption {
  header: { key: string; value: string };
  append_action: 'APPEND_IF_EXISTS_OR_ADD' | 'OVERWRITE_IF_EXISTS_OR_ADD';
}

interface HeaderOperations {
  request_headers_to_add?: HeaderValueOption[];
  request_headers_to_remove?: string[];
  response_headers_to_add?: HeaderValueOption[];
  response_headers_to_remove?: string[];
}

export interface WeightedCluster extends HeaderOperations {
  name: string;
  weight: number;
  host_rewrite_literal?: string;
}

export interface RouteAction {
  cluster?: string;
  weighted_clusters?: { clusters: WeightedCluster[] };
  timeout: string;
  /**
   * A gRPC client's grpc-timeout header counts, capped at the route timeout (0: uncapped). Deprecated in Envoy,
   * but its replacement (max_stream_duration) makes Envoy ignore the route `timeout`; istiod uses this one too.
   */
  max_grpc_timeout: string;
  retry_policy?: RetryPolicy;
  request_mirror_policies?: { cluster: string; runtime_fraction: { default_value: object }; trace_sampled: boolean }[];
  prefix_rewrite?: string;
  regex_rewrite?: { pattern: { regex: string }; substitution: string };
  host_rewrite_literal?: string;
}

export interface EnvoyRoute extends HeaderOperations {
  name?: string;
  match: EnvoyRouteMatch;
  route?: RouteAction;
  direct_response?: { status: number; body?: { inline_string?: string; inline_bytes?: string } };
  redirect?: Record<string, unknown>;
  typed_per_filter_config?: Record<string, object>;
}

export interface RuleContext {
  /** Short hosts in the VirtualService resolve in its namespace. */
  namespace: string;
  /** The service port whose virtual host is being built: the destination port when a rule names none. */
  listenPort: number;
  services: ServiceIndex;
  mutants: OutboundMutants;
  warn: (message: string) => void;
}

export function outboundClusterName(port: number, subset: string | undefined, fqdn: string): string {
  return `outbound|${port}|${subset ?? ''}|${fqdn}`;
}

/**
 * A destination -> its cluster, as istiod's GetDestinationCluster: the named port, else the service's only
 * port, else the port the request came for.
 */
export function destinationCluster(d: Destination, ctx: RuleContext): string {
  const fqdn = resolveHost(d.host, ctx.namespace, ctx.services.clusterDomain);
  const service = ctx.services.byFqdn.get(fqdn);
  const port = d.port?.number ?? (service?.ports.length === 1 ? service.ports[0]!.port : ctx.listenPort);
  return outboundClusterName(port, d.subset, fqdn);
}

/** One HTTP rule (for one of its matches) -> an Envoy route, as istiod's TranslateRoute for a sidecar. */
export function translateRule(rule: HttpRule, match: EnvoyRouteMatch, matchName: string | undefined, ctx: RuleContext): EnvoyRoute | undefined {
  const name = [rule.name, matchName].filter(Boolean).join('.');
  const out: EnvoyRoute = { ...(name ? { name } : {}), match };
  const headers = headerOperations(rule.headers);
  Object.assign(out, headers.operations);
  if (rule.redirect) out.redirect = redirect(rule.redirect, ctx.listenPort);
  else if (rule.directResponse) out.direct_response = directResponse(rule.directResponse);
  else if (rule.route && rule.route.length > 0) out.route = routeAction(rule, out, headers.authority, ctx);
  else {
    ctx.warn(`HTTP rule ${name || '(unnamed)'} has no route, redirect or directResponse (delegate is not supported); left out`);
    return undefined;
  }
  if (rule.fault) {
    const fault = faultConfig(rule.fault, ctx.mutants.faultRateOff ?? 0, ctx.warn);
    if (fault) out.typed_per_filter_config = { [FAULT_FILTER]: fault };
  }
  if (rule.corsPolicy) ctx.warn('corsPolicy is not supported; left out');
  return out;
}

function routeAction(rule: HttpRule, out: EnvoyRoute, authority: string | undefined, ctx: RuleContext): RouteAction {
  const timeout = rule.timeout && !ctx.mutants.timeoutIgnored ? envoyDuration(rule.timeout) : '0s';
  const action: RouteAction = { timeout, max_grpc_timeout: timeout };
  let hostRewrite = authority;
  if (rule.rewrite) {
    if (rule.rewrite.uriRegexRewrite?.match !== undefined) {
      action.regex_rewrite = { pattern: { regex: rule.rewrite.uriRegexRewrite.match }, substitution: rule.rewrite.uriRegexRewrite.rewrite ?? '' };
    } else if (rule.rewrite.uri) action.prefix_rewrite = rule.rewrite.uri;
    if (rule.rewrite.authority) hostRewrite = rule.rewrite.authority;
  }
  if (hostRewrite) action.host_rewrite_literal = hostRewrite;
  if (!ctx.mutants.mirrorIgnored) {
    const mirrors = mirrorPolicies(rule, ctx);
    if (mirrors.length > 0) action.request_mirror_policies = mirrors;
  }
  const routes = rule.route!;
  if (routes.length === 1) {
    const only = routes[0]!;
    action.cluster = destinationCluster(only.destination, ctx);
    const ops = headerOperations(only.headers);
    appendOperations(out, ops.operations);
    if (ops.authority && !action.host_rewrite_literal) action.host_rewrite_literal = ops.authority;
  } else {
    // A zero weight is dropped when there are others, as istiod does.
    const weighted = routes.filter((r) => (r.weight ?? 0) > 0);
    const skew = ctx.mutants.weightsSkew;
    const weights = skew !== undefined ? skewed(weighted.map((r) => r.weight!), skew) : weighted.map((r) => r.weight!);
    action.weighted_clusters = {
      clusters: weighted.map((r, i) => {
        const ops = headerOperations(r.headers);
        return { name: destinationCluster(r.destination, ctx), weight: weights[i]!, ...ops.operations, ...(ops.authority ? { host_rewrite_literal: ops.authority } : {}) };
      }),
    };
  }
  const retries = ctx.mutants.retriesIgnored ? undefined : retryPolicy(rule.retries);
  if (retries) action.retry_policy = retries;
  return action;
}

/**
 * The mesh-weights-skewed mutant: `points` percentage points of the total move from the last destination to
 * the first (the last keeps at least 1/100 of a point). The weights are scaled by 10,000 first, Envoy's weights
 * being integers, so that a fraction of a point moves exactly: 70/30 at 3 points serves 73/27.
 */
export function skewed(weights: number[], points: number): number[] {
  const scaled = weights.map((w) => w * 10_000);
  const total = scaled.reduce((a, b) => a + b, 0);
  const shift = Math.min(Math.round((total * points) / 100), scaled.at(-1)! - total / 10_000);
  return scaled.map((w, i) => (i === 0 ? w + shift : i === scaled.length - 1 ? w - shift : w));
}

/** `mirror` (+ `mirrorPercentage`, default 100%; 0 means none) and `mirrors`, as istiod's MirrorPercent. */
function mirrorPolicies(rule: HttpRule, ctx: RuleContext): NonNullable<RouteAction['request_mirror_policies']> {
  const policy = (d: Destination, fraction: object) => ({ cluster: destinationCluster(d, ctx), runtime_fraction: { default_value: fraction }, trace_sampled: false });
  const fraction = (value: number | undefined, legacy?: number): object | undefined => {
    if (value !== undefined) return value > 0 ? fractionOfMillion(value) : undefined;
    if (legacy !== undefined) return legacy > 0 ? { numerator: legacy, denominator: 'HUNDRED' } : undefined;
    return { numerator: 100, denominator: 'HUNDRED' };
  };
  const out: NonNullable<RouteAction['request_mirror_policies']> = [];
  if (rule.mirror) {
    const f = fraction(rule.mirrorPercentage?.value, rule.mirrorPercent);
    if (f) out.push(policy(rule.mirror, f));
  }
  for (const m of rule.mirrors ?? []) {
    const f = fraction(m.percentage?.value);
    if (f) out.push(policy(m.destination, f));
  }
  return out;
}

/**
 * Header `set` overwrites, `add` appends (each sorted by name); `:`-headers and `host` are Envoy's to manage,
 * except that setting the authority (`host`/`:authority`; `set` over `add`) becomes a host rewrite, as istiod's
 * TranslateHeadersOperations.
 */
function headerOperations(h: Headers | undefined): { operations: HeaderOperations; authority?: string } {
  const operations: HeaderOperations = {};
  if (!h) return { operations };
  const internal = (k: string) => k.startsWith(':') || k.toLowerCase() === 'host';
  const authorityIn = (values: Record<string, string> | undefined) =>
    Object.entries(values ?? {}).find(([k]) => k.toLowerCase() === ':authority' || k.toLowerCase() === 'host')?.[1];
  const options = (values: Record<string, string> | undefined, append: boolean): HeaderValueOption[] =>
    Object.entries(values ?? {}).filter(([k]) => !internal(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ header: { key, value }, append_action: append ? 'APPEND_IF_EXISTS_OR_ADD' : 'OVERWRITE_IF_EXISTS_OR_ADD' }));
  const requestAdd = [...options(h.request?.set, false), ...options(h.request?.add, true)];
  const responseAdd = [...options(h.response?.set, false), ...options(h.response?.add, true)];
  const requestRemove = (h.request?.remove ?? []).filter((k) => !internal(k));
  const responseRemove = (h.response?.remove ?? []).filter((k) => !internal(k));
  if (requestAdd.length > 0) operations.request_headers_to_add = requestAdd;
  if (responseAdd.length > 0) operations.response_headers_to_add = responseAdd;
  if (requestRemove.length > 0) operations.request_headers_to_remove = requestRemove;
  if (responseRemove.length > 0) operations.response_headers_to_remove = responseRemove;
  const authority = authorityIn(h.request?.set) ?? authorityIn(h.request?.add);
  return { operations, ...(authority !== undefined ? { authority } : {}) };
}

/** A single destination's header operations follow the rule's, on the route itself (istiod's processDestination). */
function appendOperations(out: HeaderOperations, more: HeaderOperations): void {
  if (more.request_headers_to_add) out.request_headers_to_add = [...(out.request_headers_to_add ?? []), ...more.request_headers_to_add];
  if (more.response_headers_to_add) out.response_headers_to_add = [...(out.response_headers_to_add ?? []), ...more.response_headers_to_add];
  if (more.request_headers_to_remove) out.request_headers_to_remove = [...(out.request_headers_to_remove ?? []), ...more.request_headers_to_remove];
  if (more.response_headers_to_remove) out.response_headers_to_remove = [...(out.response_headers_to_remove ?? []), ...more.response_headers_to_remove];
}

function redirect(r: NonNullable<HttpRule['redirect']>, listenPort: number): Record<string, unknown> {
  const codes: Record<number, string> = { 301: 'MOVED_PERMANENTLY', 302: 'FOUND', 303: 'SEE_OTHER', 307: 'TEMPORARY_REDIRECT', 308: 'PERMANENT_REDIRECT' };
  const out: Record<string, unknown> = { response_code: codes[r.redirectCode ?? 301] ?? 'MOVED_PERMANENTLY' };
  if (r.authority) out.host_redirect = r.authority;
  if (r.uri) out.path_redirect = r.uri;
  if (r.scheme) out.scheme_redirect = r.scheme;
  const port = r.port ?? (r.derivePort === 'FROM_REQUEST_PORT' ? listenPort : undefined);
  const scheme = r.scheme ?? 'http';
  if (port !== undefined && !(port === 80 && scheme === 'http') && !(port === 443 && scheme === 'https')) out.port_redirect = port;
  return out;
}

function directResponse(d: NonNullable<HttpRule['directResponse']>): NonNullable<EnvoyRoute['direct_response']> {
  const body = d.body?.string !== undefined ? { inline_string: d.body.string } : d.body?.bytes !== undefined ? { inline_bytes: d.body.bytes } : undefined;
  return { status: d.status, ...(body ? { body } : {}) };
}
