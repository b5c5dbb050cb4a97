import type { Agent, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { endToEndRaw } from './headers.ts';

export interface ForwardOptions {
  host: string;
  port: number;
  /** A keep-alive agent: connections to the upstream are reused. */
  agent: Agent;
  /** The headers to send, already prepared by the caller. */
  headers: OutgoingHttpHeaders;
  /** Aborting it abandons the upstream request (the caller's deadline, or the caller giving up). */
  signal: AbortSignal;
}

/**
 * `relayed`: the upstream's response went to the client (or one of the two went away; nothing more to do).
 * `failed`: no byte of a response went to the client; `retryable` when the upstream cannot have seen the
 * request (never connected), or saw an idempotent, body-less one on a reused connection that failed.
 */
export type ForwardOutcome = { kind: 'relayed' } | { kind: 'failed'; error: Error; retryable: boolean };

// Not `import { request } from 'node:http'`: see queue-proxy.ts.
const { request } = process.getBuiltinModule('node:http');

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * One proxied exchange: request line, headers and body to the upstream (the body only once the connection is
 * up, so that a refused connection leaves it unread for a retry), the response streamed back as it comes.
 */
export function forward(req: IncomingMessage, res: ServerResponse, o: ForwardOptions): Promise<ForwardOutcome> {
  return new Promise((resolve) => {
    const body = hasBody(req);
    let connected = false;
    let responded = false;
    let settled = false;

    const up = request({ host: o.host, port: o.port, method: req.method, path: req.url, headers: o.headers, agent: o.agent, signal: o.signal });
    const onClientClose = () => {
      if (!res.writableFinished) up.destroy();
      settle({ kind: 'relayed' });
    };
    function settle(outcome: ForwardOutcome) {
      if (settled) return;
      settled = true;
      res.off('close', onClientClose);
      resolve(outcome);
    }
    res.once('close', onClientClose);

    const start = () => {
      if (connected) return;
      connected = true;
      if (body) req.pipe(up);
    };
    up.once('socket', (socket) => {
      if (socket.connecting) socket.once('connect', start);
      else start();
    });
    if (!body) up.end();

    up.on('response', (upstream) => {
      responded = true;
      if (res.destroyed) {
        upstream.resume();
        up.destroy();
        return settle({ kind: 'relayed' });
      }
      res.writeHead(upstream.statusCode ?? 502, upstream.statusMessage, endToEndRaw(upstream.rawHeaders));
      upstream.pipe(res);
      upstream.once('close', () => {
        if (!upstream.complete) res.destroy();
      });
      res.once('finish', () => settle({ kind: 'relayed' }));
    });
    up.on('error', (error) => {
      if (responded) {
        res.destroy();
        return settle({ kind: 'relayed' });
      }
      const retryable = !connected || (up.reusedSocket && !body && IDEMPOTENT.has(req.method ?? ''));
      settle({ kind: 'failed', error, retryable });
    });
  });
}
