import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { ACTIVATOR_HEADERS } from '../serving/dataplane.ts';

/** Connection-scoped headers a proxy must not forward (RFC 9110 7.6.1, and what Go's ReverseProxy drops). */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade',
]);

/** Knative's headers between activator and queue-proxy (knative.dev/networking pkg/http/header). */
export const ORIGINAL_HOST_HEADER = 'k-original-host';
export const PROXY_HEADER = 'k-proxy-request';
export const ACTIVATOR_NAME = 'activator';

function connectionTokens(connection: string | string[] | undefined): Set<string> {
  const all = Array.isArray(connection) ? connection.join(',') : (connection ?? '');
  return new Set(all.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== ''));
}

/** The request's headers without hop-by-hop ones (and those its Connection header names). */
export function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = connectionTokens(headers.connection);
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k) && !named.has(k)) out[k] = v;
  return out;
}

/** A response's raw headers (flat name/value list) without hop-by-hop ones, for `writeHead`. */
export function endToEndRaw(raw: readonly string[]): string[] {
  const named = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'connection') for (const t of connectionTokens(raw[i + 1])) named.add(t);
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named.has(name)) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

const one = (v: string | string[] | number | undefined): string => (Array.isArray(v) ? v.join(', ') : v === undefined ? '' : String(v));

/**
 * Knative's ForwardedShimHandler: a `Forwarded` header (RFC 7239) built from X-Forwarded-For/-Proto/-Host
 * when the request has none. X-Forwarded-* themselves are the gateway's and are left as they are.
 */
export function forwardedFromXff(headers: OutgoingHttpHeaders): string | undefined {
  if (one(headers.forwarded) !== '') return undefined;
  const xff = one(headers['x-forwarded-for']);
  const proto = one(headers['x-forwarded-proto']);
  const host = one(headers['x-forwarded-host']);
  if (xff === '' && proto === '' && host === '') return undefined;
  const node = (n: string) => (n.includes(':') ? `"[${n}]"` : n);
  const nodes = xff === '' ? [] : xff.split(',').map((n) => n.trim());
  const first = [
    ...(nodes.length > 0 ? [`for=${node(nodes[0]!)}`] : []),
    ...(host !== '' ? [`host=${host}`] : []),
    ...(proto !== '' ? [`proto=${proto}`] : []),
  ].join(';');
  return [first, ...nodes.slice(1).map((n) => `for=${node(n)}`)].join(', ');
}

/**
 * What the queue-proxy sends the user container, as Knative's does: hop-by-hop headers and the activator's
 * revision headers removed, the Host the activator moved to K-Original-Host put back, a Forwarded header
 * shimmed from X-Forwarded-* when missing.
 */
export function userRequestHeaders(incoming: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out = endToEnd(incoming);
  delete out[ACTIVATOR_HEADERS.revision];
  delete out[ACTIVATOR_HEADERS.namespace];
  const original = one(out[ORIGINAL_HOST_HEADER]);
  if (original !== '') out.host = original;
  delete out[ORIGINAL_HOST_HEADER];
  const forwarded = forwardedFromXff(out);
  if (forwarded !== undefined) out.forwarded = forwarded;
  return out;
}
