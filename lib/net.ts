import { createServer } from 'node:net';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port that was free on `host` a moment ago (the OS picks it). */
export async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error(`could not find a free port on ${host}`);
  return address.port;
}

export interface ProbeOptions {
  ca?: string;
  token?: string;
}

/** GET a URL once; resolves with status and body, or rejects on a connection error. */
export function get(url: string, opts: ProbeOptions = {}): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method: 'GET',
        timeout: 2000,
        ...(opts.ca ? { ca: opts.ca } : {}),
        headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out: ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls `url` until `ok` says yes, the process exits, or `timeoutMs` passes. */
export async function waitForHttp(
  what: string,
  url: string,
  ok: (r: { status: number; body: string }) => boolean,
  opts: ProbeOptions & { timeoutMs: number; exited?: Promise<unknown>; logFile?: string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let exited = false;
  void opts.exited?.then(() => (exited = true));
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${what} exited during start-up${opts.logFile ? `; see ${opts.logFile}` : ''}`);
    try {
      const r = await get(url, opts);
      if (ok(r)) return;
      last = `HTTP ${r.status}: ${r.body.slice(0, 200)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${what} not ready within ${opts.timeoutMs / 1000} s (last: ${last})${opts.logFile ? `; see ${opts.logFile}` : ''}`);
}
