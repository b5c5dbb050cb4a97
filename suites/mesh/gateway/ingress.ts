import type { V1Service } from '@kubernetes/client-node';
import { DEFAULT_GATEWAY, httpRequest, outcomes, type ForwardResult, type GatewayAddress, type RequirementContext } from '../../../harness/index.ts';
import { WaitTimeout, describeError } from '../../../lib/errors.ts';

/** Requests from outside the mesh through Istio's ingress gateway, and who the gateway is in the mesh. */

export interface GatewayRequest {
  url: string;
  count: number;
  headers?: Record<string, string>;
}

/**
 * Sends `count` requests to `url` through the gateway, one after the other, each on a fresh connection with the
 * URL's host as Host header; results in the mesh clients' form (harness/mesh-clients/clients.ts), so that the mesh
 * suites' readers (versionOf, echoOf, outcomes) apply.
 */
export async function throughGateway(ctx: RequirementContext, via: GatewayAddress, r: GatewayRequest): Promise<ForwardResult[]> {
  const out: ForwardResult[] = [];
  for (let i = 0; i < r.count; i++) {
    const started = performance.now();
    try {
      const res = await httpRequest({ url: r.url, via, timeoutMs: 5000, signal: ctx.signal, ...(r.headers ? { headers: r.headers } : {}) });
      const headers = Object.fromEntries(Object.entries(res.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]])));
      out.push({ status: res.status, ms: res.durationMs, headers, body: res.body });
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      out.push({ error: describeError(e), ms: performance.now() - started });
    }
  }
  return out;
}

/** Consecutive answers, per request kind, that show the gateway serves the host and reaches its destinations. */
const SERVED_IN_A_ROW = 5;

/**
 * A Gateway and VirtualService applied are not yet served: the ingress gateway gets its configuration from the
 * control plane a moment later, and the destinations' endpoints with it (on Istio as here). Waits, within
 * `timeoutMs`, until requests of every kind are answered by a destination -- anything but the 404 of a gateway
 * without the host and the 502/503 of one without a route or endpoint -- several times in a row.
 */
export async function awaitGatewayRoute(ctx: RequirementContext, via: GatewayAddress, kinds: GatewayRequest[], timeoutMs: number): Promise<void> {
  const started = Date.now();
  let last = 'no request yet';
  while (Date.now() - started < timeoutMs) {
    const results = (await Promise.all(kinds.map((k) => throughGateway(ctx, via, { ...k, count: SERVED_IN_A_ROW })))).flat();
    if (results.every((r) => r.status !== undefined && ![404, 502, 503].includes(r.status))) {
      ctx.log.note(`the ingress gateway served ${kinds[0]?.url ?? ''} ${Date.now() - started} ms after the workloads were Ready`);
      return;
    }
    last = JSON.stringify(outcomes(results));
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new WaitTimeout(`the ingress gateway at ${via.host}:${via.port} did not serve ${kinds[0]?.url ?? ''} within ${timeoutMs / 1000} s of the workloads being Ready (last: ${last})`, last);
}

/** Istio's default installation's service account for the ingress gateway's pods. */
export const DEFAULT_GATEWAY_SERVICE_ACCOUNT = 'istio-ingressgateway-service-account';

export interface IngressWorkload {
  namespace: string;
  /** What a Gateway selects it by: `istio: <value>` as Istio labels its gateways, else its Service's whole selector. */
  selector: Record<string, string>;
  /** Its pods' service accounts: the identities it calls the mesh with. */
  serviceAccounts: string[];
  /** Where the service accounts were read. */
  source: string;
}

/**
 * The ingress gateway as the mesh sees it, read from its Service and the pods that Service selects: Istio's
 * default installation's service account when no such pod is visible (a gateway not run as pods of the cluster).
 */
export async function ingressWorkload(ctx: RequirementContext, gw = DEFAULT_GATEWAY): Promise<IngressWorkload> {
  const svc = await ctx.cluster.get<V1Service>({ apiVersion: 'v1', kind: 'Service', metadata: { name: gw.name, namespace: gw.namespace } });
  const labels = svc?.spec?.selector ?? {};
  const selector = labels.istio !== undefined ? { istio: labels.istio } : labels;
  if (Object.keys(selector).length === 0) throw new Error(`Service ${gw.namespace}/${gw.name} has no selector: no gateway workload for a Gateway to select`);
  const text = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  const accounts = [...new Set((await ctx.cluster.listPods(text, gw.namespace)).map((p) => p.spec?.serviceAccountName ?? 'default'))].sort();
  return accounts.length > 0
    ? { namespace: gw.namespace, selector, serviceAccounts: accounts, source: `the service accounts of pods ${text} in ${gw.namespace}` }
    : { namespace: gw.namespace, selector, serviceAccounts: [DEFAULT_GATEWAY_SERVICE_ACCOUNT], source: `no pod of Service ${gw.namespace}/${gw.name} visible: Istio's default account` };
}
