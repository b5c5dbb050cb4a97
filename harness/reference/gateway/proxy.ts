import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RoutingTable } from './routing-table.ts';

/**
 * The reference's first ingress: an HTTP proxy that routes by Host header. (The real Envoy gateway
 * replaces it; its routing decisions come from the same RoutingTable inputs, the Routes' status.)
 */
export async function startProxy(table: RoutingTable, host: string, port: number): Promise<{ server: Server; stop(): Promise<void> }> {
  const server = createServer((req, res) => forward(table, req, res));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(`${text}\n`);
}

function forward(table: RoutingTable, req: IncomingMessage, res: ServerResponse): void {
  const host = req.headers.host ?? '';
  const route = table.targetsFor(host);
  if (!route) return reply(res, 404, `no route for host ${host}`);
  const revision = table.pickRevision(route.targets);
  const backend = revision ? table.pickBackend(route.namespace, revision) : undefined;
  if (!backend) return reply(res, 503, `no ready pod for ${host}`);
  const upstream = request(
    {
      host: backend.address,
      port: backend.port,
      method: req.method,
      path: req.url,
      headers: {
        ...req.headers,
        'x-forwarded-for': req.socket.remoteAddress ?? '',
        'x-forwarded-proto': 'http',
        forwarded: `for=${req.socket.remoteAddress ?? 'unknown'};proto=http;host=${host}`,
      },
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (e) => {
    if (!res.headersSent) reply(res, 502, `upstream ${backend.address}:${backend.port}: ${e.message}`);
    else res.destroy(e);
  });
  req.pipe(upstream);
}
