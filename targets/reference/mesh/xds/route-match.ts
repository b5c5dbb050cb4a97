import type { IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import type { MeshPod } from '../snapshot.ts';
import { matches } from './peer-authentication.ts';

export type HttpRule = NonNullable<NonNullable<IVirtualService['spec']>['http']>[number];
export type HttpMatch = NonNullable<HttpRule['match']>[number];
interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface HeaderMatcher {
  name: string;
  string_match?: Record<string, unknown>;
  present_match?: boolean;
  invert_match?: boolean;
  treat_missing_header_as_empty?: boolean;
}

export interface EnvoyRouteMatch {
  prefix?: string;
  path?: string;
  safe_regex?: { regex: string };
  case_sensitive?: boolean;
  headers?: HeaderMatcher[];
  query_parameters?: { name: string; string_match?: Record<string, unknown>; present_match?: boolean }[];
}

/** The sidecars' gateway name in VirtualService `gateways`. */
export const MESH_GATEWAY = 'mesh';

/**
 * A gateway named in a VirtualService (`gateways`, or a match's `gateways`) -> `<namespace>/<name>`, as istiod's
 * resolveGatewayName: a short name is in the VirtualService's namespace, `./name` too, the legacy
 * `name.namespace[.svc...]` form becomes `namespace/name`; `mesh` stays `mesh`.
 */
export function resolveGatewayName(name: string, vsNamespace: string): string {
  if (name === MESH_GATEWAY) return name;
  const slash = name.indexOf('/');
  if (slash >= 0) return name.slice(0, slash) === '.' ? `${vsNamespace}/${name.slice(slash + 1)}` : name;
  const [short = '', namespace] = name.split('.');
  return namespace === undefined ? `${vsNamespace}/${name}` : `${namespace}/${short}`;
}

/**
 * Whether a match condition applies to this proxy at all, as istiod's sourceMatchHTTP: `gateways` (when set)
 * must name one of the proxy's (`mesh` for a sidecar, `<namespace>/<name>` of its Gateway for a gateway);
 * otherwise `sourceLabels` must be among the proxy's labels and `sourceNamespace` its own.
 */
export function appliesToSource(
  m: HttpMatch | undefined, proxy: Pick<MeshPod, 'labels' | 'namespace'>, gateways: ReadonlySet<string>, vsNamespace: string,
): boolean {
  if (!m) return true;
  if (m.gateways && m.gateways.length > 0) return m.gateways.some((g) => gateways.has(resolveGatewayName(g, vsNamespace)));
  return matches(m.sourceLabels ?? {}, proxy.labels) && (!m.sourceNamespace || m.sourceNamespace === proxy.namespace);
}

/**
 * An HTTPMatchRequest -> Envoy's RouteMatch, as istiod's TranslateRouteMatch: `/` prefix unless `uri` says
 * otherwise; headers (sorted by name), then `:method`, `:authority`, `:scheme`; a regex `*` or an empty match
 * means "present". `ignoreHeaders` is the ignoresHeaderMatch mutant: `headers`/`withoutHeaders` are dropped.
 */
export function routeMatch(m: HttpMatch | undefined, ignoreHeaders = false): EnvoyRouteMatch {
  const out: EnvoyRouteMatch = { prefix: '/' };
  if (!m) return out;
  const headers: HeaderMatcher[] = [];
  if (!ignoreHeaders) {
    for (const [name, sm] of Object.entries((m.headers ?? {}) as Record<string, StringMatch>)) headers.push(headerMatcher(name, sm));
    for (const [name, sm] of Object.entries((m.withoutHeaders ?? {}) as Record<string, StringMatch>)) {
      const h = headerMatcher(name, sm);
      headers.push({ ...h, invert_match: true, ...(h.present_match ? {} : { treat_missing_header_as_empty: true }) });
    }
    headers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  const uri: StringMatch | undefined = m.uri;
  if (uri?.exact !== undefined) {
    delete out.prefix;
    out.path = uri.exact;
  } else if (uri?.prefix !== undefined) {
    out.prefix = uri.prefix;
  } else if (uri?.regex !== undefined) {
    delete out.prefix;
    out.safe_regex = { regex: uri.regex };
  }
  out.case_sensitive = !m.ignoreUriCase;
  if (m.method) headers.push(headerMatcher(':method', m.method));
  if (m.authority) headers.push(headerMatcher(':authority', m.authority));
  if (m.scheme) headers.push(headerMatcher(':scheme', m.scheme));
  if (headers.length > 0) out.headers = headers;
  const query = Object.entries((m.queryParams ?? {}) as Record<string, StringMatch>).map(([name, sm]) => {
    const s = stringMatch(sm);
    return s ? { name, string_match: s } : { name, present_match: true };
  });
  if (query.length > 0) out.query_parameters = query;
  return out;
}

/** Routes are matched in order: after one that takes everything, istiod emits no more. */
export function isCatchAll(match: EnvoyRouteMatch): boolean {
  const everyPath = match.prefix === '/' || match.safe_regex?.regex === '*';
  return everyPath && !match.headers?.length && !match.query_parameters?.length;
}

function headerMatcher(name: string, sm: StringMatch): HeaderMatcher {
  const s = stringMatch(sm);
  return s ? { name, string_match: s } : { name, present_match: true };
}

/** Envoy's StringMatcher, or undefined for "any value" (no condition, or istiod's regex `*`). */
function stringMatch(sm: StringMatch | undefined): Record<string, unknown> | undefined {
  if (sm?.exact !== undefined) return { exact: sm.exact };
  if (sm?.prefix !== undefined) return { prefix: sm.prefix };
  if (sm?.regex !== undefined && sm.regex !== '*') return { safe_regex: { regex: sm.regex } };
  return undefined;
}
