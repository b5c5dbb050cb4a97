import { request } from 'node:http';
import type { GatewayAddress } from './gateway.ts';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** When the request was sent, as Date.now() gives it: to set it beside other clocks' events (a pod watch's). */
  sentAt: number;
  /** Milliseconds from sending the request to its status line and headers (time to first byte). */
  firstByteMs: number;
  /** Milliseconds from sending the request to the end of the body. */
  durationMs: number;
}

export interface HttpRequest {
  /** The URL as the platform published it (e.g. a Knative Service's status.url); its host is the Host header. */
  url: string;
  /** Send to this address instead of resolving the URL's host: the ingress gateway. */
  via?: GatewayAddress;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One HTTP request, on a fresh connection, with the Host header of the URL. */
export function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const url = new URL(req.url);
  const sentAt = Date.now();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: req.via?.host ?? url.hostname,
        port: req.via?.port ?? (url.port || 80),
        path: `${url.pathname}${url.search}`,
        method: req.method ?? 'GET',
        headers: { host: url.host, ...req.headers },
        agent: false,
        timeout: req.timeoutMs ?? 30_000,
        ...(req.signal ? { signal: req.signal } : {}),
      },
      (res) => {
        const firstByteMs = performance.now() - started;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            sentAt,
            firstByteMs,
            durationMs: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no response from ${req.url} within ${(req.timeoutMs ?? 30_000) / 1000} s`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** A request that got no (whole) response: status 0 and the transport error, timed as an HttpResponse is. */
export interface HttpNoResponse {
  status: 0;
  headers: HttpResponse['headers'];
  body: '';
  sentAt: number;
  firstByteMs?: undefined;
  durationMs: number;
  error: string;
}

export type HttpAttempt = (HttpResponse & { error?: undefined }) | HttpNoResponse;

/**
 * httpRequest for requests whose failure is itself the observation (a cold start, a request beyond a
 * timeout, one of many sent at once): never rejects; a transport error, a timeout or an abort is status 0
 * with `error`.
 */
export async function httpAttempt(req: HttpRequest): Promise<HttpAttempt> {
  const sentAt = Date.now();
  const started = performance.now();
  try {
    return await httpRequest(req);
  } catch (e) {
    return { status: 0, headers: {}, body: '', sentAt, durationMs: performance.now() - started, error: (e as Error).message };
  }
}
