import { request } from 'node:https';
import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * One raw JSON request to the API server, authenticated as the kubeconfig says. Used for objects whose JSON
 * client-node's typed serializer would rewrite (CRD schemas: `x-kubernetes-*`, `enum`, `default`).
 */
export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
}

export class KubeHttpError extends Error {
  readonly code: number;
  readonly status: { message?: string; reason?: string } | undefined;
  constructor(code: number, status: { message?: string; reason?: string } | undefined, what: string) {
    super(`${what}: HTTP ${code}${status?.message ? `: ${status.message}` : ''}`);
    this.code = code;
    this.status = status;
  }
}

export async function kubeRequest<T = unknown>(kc: KubeConfig, r: KubeRequest): Promise<T> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(cluster.server + r.path);
  for (const [k, v] of Object.entries(r.query ?? {})) url.searchParams.set(k, v);
  const opts: RequestOptions = { method: r.method, timeout: r.timeoutMs ?? 15_000, headers: {} };
  await kc.applyToHTTPSOptions(opts);
  const body = r.body === undefined ? undefined : JSON.stringify(r.body);
  opts.headers = {
    ...opts.headers,
    accept: 'application/json',
    ...(body !== undefined ? { 'content-type': r.contentType ?? 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
  };
  const what = `${r.method} ${r.path}`;
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, opts, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${what}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
  const parsed = parseJson(text);
  if (status < 200 || status > 299) throw new KubeHttpError(status, parsed as { message?: string } | undefined, what);
  return parsed as T;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text === '' ? undefined : { message: text.slice(0, 500) };
  }
}

/** Server-side apply of one object at its resource path (`.../<plural>/<name>`). */
export function serverSideApply<T = unknown>(kc: KubeConfig, path: string, object: unknown, fieldManager: string): Promise<T> {
  return kubeRequest<T>(kc, {
    method: 'PATCH',
    path,
    query: { fieldManager, force: 'true' },
    body: object,
    contentType: 'application/apply-patch+yaml',
  });
}
