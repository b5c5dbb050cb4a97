import type { V1Pod } from '@kubernetes/client-node';
import type { AttemptEnd, AttemptTrace, ForwardResult, ForwardTls, HttpProtocol, TlsAlert, TlsVersion } from '../../fixtures/workloads/probe/forward-contract.ts';
import { httpRequest } from '../cluster/http.ts';
import type { Cluster } from '../cluster/cluster.ts';
import { CONTROL_PORT, deployEcho, podAddress } from '../workloads/mesh.ts';

export type { AttemptEnd, AttemptTrace, ForwardResult, ForwardTls, HttpProtocol, TlsAlert, TlsVersion };

/** What a client is asked to send: the probe's `POST /forward` body (fixtures/workloads/probe/forward-contract.ts). */
export interface ForwardSpec {
  url: string;
  count?: number;
  concurrency?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** Pause between one request and the next, per concurrent sender. */
  intervalMs?: number;
  connection?: 'close' | 'keep-alive';
  /** `host:port` to dial instead of the URL's host (a pod address, say), keeping the URL's Host. */
  connectTo?: string;
  proxy?: 'env' | 'none';
  /** `http/1.1` (default), `http/1.0`, or `h2` (h2c with prior knowledge over http://, ALPN h2 over https://). */
  protocol?: HttpProtocol;
  /** Client certificate, trusted CA, server name, TLS versions and ALPN protocols offered. */
  tls?: ForwardTls;
  bodies?: boolean;
}

/**
 * A workload that sends requests on the harness's behalf from inside the cluster: a probe pod, with Istio's
 * sidecar (in the mesh, with its service account's identity) or without (a plaintext client outside the
 * mesh). The harness reaches it on its control port, which the sidecar does not capture.
 *
 * Every target: the harness dials the client pod's address. That holds for the reference (pods on the
 * machine's loopback) and for a cluster whose pod network the harness can route to; a cluster seen from
 * outside needs a port-forward to the control port instead (not built yet).
 */
export interface MeshClient {
  readonly name: string;
  readonly pod: V1Pod;
  readonly meshed: boolean;
  readonly serviceAccount: string;
  send(spec: ForwardSpec, signal?: AbortSignal): Promise<ForwardResult[]>;
}

export interface ClientSpec {
  name: string;
  meshed: boolean;
  serviceAccount?: string;
  annotations?: Record<string, string>;
}

export async function startClient(cluster: Cluster, c: ClientSpec, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<MeshClient> {
  const [pod] = await deployEcho(cluster, {
    name: c.name, app: c.name, meshed: c.meshed, ...(c.serviceAccount ? { serviceAccount: c.serviceAccount } : {}), ...(c.annotations ? { annotations: c.annotations } : {}),
  }, opts);
  if (!pod) throw new Error(`client ${c.name} has no ready pod`);
  const control = `http://${podAddress(pod)}:${CONTROL_PORT}/forward`;
  return {
    name: c.name,
    pod,
    meshed: c.meshed,
    serviceAccount: c.serviceAccount ?? 'default',
    async send(spec, signal) {
      const perRequest = spec.timeoutMs ?? 5000;
      const rounds = Math.ceil((spec.count ?? 1) / (spec.concurrency ?? 1));
      const paced = (spec.intervalMs ?? 0) * rounds;
      const res = await httpRequest({
        url: control, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec),
        timeoutMs: perRequest * rounds + paced + 10_000, ...(signal ? { signal } : {}),
      });
      if (res.status !== 200) throw new Error(`client ${c.name} refused the forward request: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
      return (JSON.parse(res.body) as { results: ForwardResult[] }).results;
    },
  };
}

/** The request header by whose value a probe counts the requests it receives (fixtures/workloads/probe/main.ts). */
export { SEEN_HEADER } from '../../fixtures/workloads/probe/main.ts';

/** What a probe pod received with one `x-gauntlet-key` value: how many requests, and when each arrived (epoch ms). */
export interface RequestsSeen {
  key: string;
  count: number;
  at: number[];
}

/**
 * Asks a probe pod, on its control port (which no sidecar captures), how many requests carrying
 * `x-gauntlet-key: <key>` reached it and when: every attempt a proxy made of one request (retries repeat the header).
 */
export async function requestsSeen(pod: V1Pod, key: string, signal?: AbortSignal): Promise<RequestsSeen> {
  const res = await httpRequest({
    url: `http://${podAddress(pod)}:${CONTROL_PORT}/seen?key=${encodeURIComponent(key)}`, timeoutMs: 5000, ...(signal ? { signal } : {}),
  });
  if (res.status !== 200) throw new Error(`probe ${pod.metadata?.name ?? ''} refused /seen: HTTP ${res.status}: ${res.body.slice(0, 200)}`);
  const doc = JSON.parse(res.body) as RequestsSeen;
  return { key: doc.key, count: doc.count, at: doc.at };
}

/** Counts of outcomes: HTTP statuses by code, and `error: <reason>` for requests that got no response. */
export function outcomes(results: readonly ForwardResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    const key = r.status !== undefined ? String(r.status) : `error: ${(r.error ?? 'unknown').replace(/^([^:\s]+):.*$/s, '$1')}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
