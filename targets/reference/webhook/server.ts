import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv6 } from 'node:net';
import { mutateAdmission, validateAdmission, type AdmissionContext, type AdmissionRequest, type AdmissionResponse } from './admission.ts';
import { INJECT_PATH, injectAdmission } from './istio-injection.ts';

export const VALIDATE_PATH = '/validate';
export const MUTATE_PATH = '/mutate';
const MAX_BODY = 8 * 1024 * 1024;

export interface AdmissionLogEntry {
  path: string;
  request: AdmissionRequest;
  response: AdmissionResponse;
}

export interface ServeOptions {
  host: string;
  certPem: string;
  keyPem: string;
  /** The configuration in force, read for each review. */
  context: () => AdmissionContext;
  log?: (entry: AdmissionLogEntry) => void;
}

export interface RunningServer {
  /** `https://host:port`, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

const HANDLERS: Record<string, (r: AdmissionRequest, ctx: AdmissionContext) => AdmissionResponse> = {
  [VALIDATE_PATH]: validateAdmission,
  [MUTATE_PATH]: mutateAdmission,
  [INJECT_PATH]: injectAdmission,
};

/** An HTTPS server answering AdmissionReview v1 on a port the OS picks. */
export async function serveAdmission(opts: ServeOptions): Promise<RunningServer> {
  const server: Server = createServer({ cert: opts.certPem, key: opts.keyPem }, (req, res) => {
    void handle(req, res, opts);
  });
  // The API server's webhook client keeps idle connections for 90 s (Go's IdleConnTimeout, as Kubernetes sets
  // it); Node closes them after 5 s by default, and a review sent on a connection just as Node closes it fails
  // with "connection reset by peer". Idle connections are the client's to close.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the webhook server has no TCP address');
  const host = isIPv6(opts.host) ? `[${opts.host}]` : opts.host;
  return {
    url: `https://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The API server keeps connections open between reviews.
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, { context, log }: ServeOptions): Promise<void> {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (req.method === 'GET' && path === '/healthz') return reply(res, 200, 'text/plain', 'ok');
  const handler = HANDLERS[path];
  if (!handler) return reply(res, 404, 'text/plain', `no handler for ${req.method} ${path}`);
  if (req.method !== 'POST') return reply(res, 405, 'text/plain', 'POST an AdmissionReview');
  let review: { apiVersion?: string; request?: AdmissionRequest };
  try {
    review = JSON.parse(await readBody(req)) as typeof review;
  } catch (e) {
    return reply(res, 400, 'text/plain', `not an AdmissionReview: ${(e as Error).message}`);
  }
  const request = review.request;
  if (!request || typeof request.uid !== 'string' || !request.kind) return reply(res, 400, 'text/plain', 'an AdmissionReview needs a request');
  let response: AdmissionResponse;
  try {
    response = handler(request, context());
  } catch (e) {
    response = { uid: request.uid, allowed: false, status: { status: 'Failure', message: `internal error: ${(e as Error).message}`, code: 500 } };
  }
  log?.({ path, request, response });
  reply(res, 200, 'application/json', JSON.stringify({ apiVersion: review.apiVersion ?? 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
}

function reply(res: ServerResponse, code: number, contentType: string, body: string): void {
  res.writeHead(code, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
