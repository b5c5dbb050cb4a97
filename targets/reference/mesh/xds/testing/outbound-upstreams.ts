import { createServer, request, type IncomingHttpHeaders, type OutgoingHttpHeaders, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How an upstream answers: `ok` 200 with its name; `alternate` 503 to every other request (the first
 * included); `fail` always 500. `?delay=<ms>` makes any of them wait first.
 */
export type UpstreamMode = 'ok' | 'alternate' | 'fail';

export interface Upstream {
  readonly name: string;
  /** What it received: method, URL and headers of every request. */
  readonly seen: { method: string; url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A small HTTP server standing for a pod's application: it answers with its own name. */
export async function startUpstream(name: string, host: string, port: number, mode: UpstreamMode = 'ok'): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  let count = 0;
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const n = count++;
    const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
    void (async () => {
      if (delay > 0) await sleep(delay);
      res.statusCode = mode === 'fail' ? 500 : mode === 'alternate' && n % 2 === 0 ? 503 : 200;
      res.end(name);
    })();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return {
    name,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export interface Reply {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
  ms: number;
}

/**
 * One request through an HTTP proxy (a fresh connection): in absolute form (`GET http://host/path`, the Host
 * header as given, else the target's) or in origin form with the Host header naming the target.
 */
export function viaProxy(proxy: { host: string; port: number }, target: string, path: string, o: { absolute?: boolean; headers?: OutgoingHttpHeaders } = {}): Promise<Reply> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request({
      host: proxy.host, port: proxy.port, agent: false, timeout: 10_000,
      path: o.absolute ? `http://${target}${path}` : path,
      headers: { host: target, ...o.headers },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, ms: Date.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error(`request to ${target}${path} timed out`))).on('error', reject).end();
  });
}

/** `n` requests, `parallel` at a time; the replies counted by body (200) or status. */
export async function tally(n: number, parallel: number, send: () => Promise<Reply>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next++ < n) {
      const r = await send();
      const key = r.status === 200 ? r.body : String(r.status);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }));
  return counts;
}
