import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Breaker, QueueFullError, queueDepthFor, type Release } from './breaker.ts';
import type { QueueConfig } from './config.ts';
import { forward } from './forward.ts';
import { answerHealthCheck, isHealthCheck } from './health.ts';
import { ACTIVATOR_NAME, PROXY_HEADER, userRequestHeaders } from './headers.ts';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.ts';
import { RequestStats } from './request-stats.ts';
import { POLL_TIMEOUT_MS, UserContainerProbe } from './user-probe.ts';
import { ClientGone, RequestTimeout, reply } from './reply.ts';

export interface QueueProxy {
  /** Where traffic and health checks are served (QUEUE_SERVING_PORT). */
  readonly serving: AddressInfo;
  /** Where `/metrics` is served (QUEUE_METRICS_PORT). */
  readonly metrics: AddressInfo;
  /**
   * SIGTERM: health checks answer 503, no new connections are accepted, requests in flight (and queued) finish
   * within the revision timeout; resolves once every connection is closed and both listeners are down.
   */
  drain(): Promise<void>;
}

export interface QueueProxyOptions {
  log: (line: string) => void;
  /** Clock for the metrics, in ms (tests inject one). */
  now?: () => number;
}


/**
 * Built-in modules come through process.getBuiltinModule, not `import`: an ESM import of node:http makes a
 * namespace of every export, and reading its lazy ones (WebSocket, ...) loads undici with TLS, HTTP/2 and
 * zlib, ~30 ms of CPU on every start of every pod (queue-proxy and activator share these modules).
 */
const { Agent, createServer } = process.getBuiltinModule('node:http');

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Knative's queue-proxy: the sidecar that fronts the user container of every revision pod. */
export async function startQueueProxy(config: QueueConfig, opts: QueueProxyOptions): Promise<QueueProxy> {
  const now = opts.now ?? (() => performance.now());
  const startedAt = now();
  const cc = config.containerConcurrency;
  const timeoutMs = config.revisionTimeoutSeconds * 1000;
  const breaker = cc > 0 ? new Breaker({ maxConcurrency: cc, queueDepth: queueDepthFor(cc) }) : undefined;
  const stats = new RequestStats(startedAt);
  // Keep-alive to the user container; as many idle connections as it may have requests (Knative: cc, or 1000).
  const agent = new Agent({ keepAlive: true, maxSockets: cc > 0 ? cc : Infinity, maxFreeSockets: cc > 0 ? cc : 1000 });
  const user = new UserContainerProbe(config.bindAddress, config.userPort, (ms) =>
    opts.log(`user container ${config.bindAddress}:${config.userPort} accepts connections (${ms} ms after start)`));
  let draining = false;
  /** Responses in flight: those not started yet are told to close their connection when draining begins. */
  const pending = new Set<ServerResponse>();

  const health = {
    get draining() {
      return draining;
    },
    userReady: (signal: AbortSignal) => user.check(POLL_TIMEOUT_MS, signal),
  };

  const proxy = async (req: IncomingMessage, res: ServerResponse) => {
    const proxied = req.headers[PROXY_HEADER] === ACTIVATOR_NAME;
    if (draining) res.shouldKeepAlive = false;
    pending.add(res);
    stats.requestIn(now(), proxied);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new RequestTimeout('request timeout')), timeoutMs);
    const onClose = () => {
      if (!res.writableFinished) deadline.abort(new ClientGone('client went away'));
    };
    res.once('close', onClose);
    let release: Release | undefined;
    try {
      release = await breaker?.acquire(deadline.signal);
      const headers = userRequestHeaders(req.headers);
      const target = { host: config.bindAddress, port: config.userPort, agent, headers, signal: deadline.signal };
      let outcome = await forward(req, res, target);
      // The user container cannot have seen it (refused, or a kept-alive connection it had just closed): once more.
      if (outcome.kind === 'failed' && outcome.retryable && !deadline.signal.aborted) outcome = await forward(req, res, target);
      if (outcome.kind === 'failed') {
        if (deadline.signal.reason instanceof RequestTimeout) reply(res, 504, 'request timeout');
        else if (!deadline.signal.aborted) reply(res, 502, `user container ${config.bindAddress}:${config.userPort}: ${outcome.error.message}`);
      }
    } catch (e) {
      if (e instanceof QueueFullError) reply(res, 503, e.message);
      else if (e instanceof RequestTimeout) reply(res, 504, 'request timeout');
      else if (!(e instanceof ClientGone)) reply(res, 500, (e as Error).message);
    } finally {
      release?.();
      clearTimeout(timer);
      res.off('close', onClose);
      pending.delete(res);
      stats.requestOut(now(), proxied);
    }
  };

  const serving = createServer((req, res) => {
    if (isHealthCheck(req)) void answerHealthCheck(req, res, health);
    else void proxy(req, res);
  });
  // Our own timer bounds requests; idle keep-alive connections from the gateway and activator stay open (as Go's do).
  serving.requestTimeout = 0;
  serving.keepAliveTimeout = 0;

  const metrics = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || req.method !== 'GET') return reply(res, 404, 'not found: the queue-proxy serves GET /metrics here');
    // A scrape closes the window: the averages are over the time since the previous one.
    const t = now();
    const body = renderMetrics(stats.report(t), config, (t - startedAt) / 1000);
    res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });

  let servingAddress: AddressInfo;
  let metricsAddress: AddressInfo;
  try {
    servingAddress = await listen(serving, config.servingPort, config.bindAddress);
    metricsAddress = await listen(metrics, config.metricsPort, config.bindAddress);
  } catch (e) {
    user.stop();
    serving.close();
    throw e;
  }

  let drained: Promise<void> | undefined;
  const drain = async () => {
    draining = true;
    for (const res of pending) if (!res.headersSent) res.shouldKeepAlive = false;
    const closed = new Promise<void>((resolve) => serving.close(() => resolve()));
    // Connections close as their last response ends (kept-alive ones would otherwise stay open for good).
    serving.closeIdleConnections();
    const sweeper = setInterval(() => serving.closeIdleConnections(), 50);
    // Every request ends by its timeout at the latest; past that (plus a margin), cut what is left.
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs + 1000)));
    await Promise.race([closed, bound]);
    clearTimeout(timer);
    clearInterval(sweeper);
    serving.closeAllConnections();
    user.stop();
    agent.destroy();
    await new Promise<void>((resolve) => {
      metrics.close(() => resolve());
      metrics.closeAllConnections();
    });
  };

  return {
    serving: servingAddress,
    metrics: metricsAddress,
    drain: () => (drained ??= drain()),
  };
}
