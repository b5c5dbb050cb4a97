import type { IncomingMessage, ServerResponse } from 'node:http';

/** Knative's probe header (knative.dev/networking header.ProbeKey) and the value that asks the queue-proxy. */
export const PROBE_HEADER = 'k-network-probe';
export const QUEUE_PROBE_VALUE = 'queue';
/** The networking prober's value: answered with its K-Network-Hash echoed. */
const NETWORK_PROBE_VALUE = 'probe';
const NETWORK_HASH_HEADER = 'k-network-hash';
const KUBELET_PROBE_HEADER = 'k-kubelet-probe';
/** User agents of probes from the kubelet, the activator and the autoscaler. */
const PROBE_USER_AGENTS = ['kube-probe/', 'Knative-Activator-Probe', 'Knative-Autoscaling-Probe'];

/** A health check rather than traffic: it is answered by the queue-proxy itself, never counted or proxied. */
export function isHealthCheck(req: IncomingMessage): boolean {
  if (req.headers[PROBE_HEADER] !== undefined || req.headers[KUBELET_PROBE_HEADER] !== undefined) return true;
  const ua = req.headers['user-agent'] ?? '';
  return PROBE_USER_AGENTS.some((p) => ua.startsWith(p));
}

export interface HealthState {
  draining: boolean;
  /** Whether the user container is ready; may take a while (it polls), gives up when `signal` aborts. */
  userReady: (signal: AbortSignal) => Promise<boolean>;
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/**
 * Knative's drainer and probe handler: 503 "shutting down" once draining; `K-Network-Probe: queue` is
 * 200 "queue" when the user container is ready and 503 when it is not; any other probe value is 400.
 */
export async function answerHealthCheck(req: IncomingMessage, res: ServerResponse, state: HealthState): Promise<void> {
  if (state.draining) return reply(res, 503, 'shutting down\n');
  const value = req.headers[PROBE_HEADER];
  const probe = Array.isArray(value) ? value[0] : value;
  if (probe === NETWORK_PROBE_VALUE) {
    const hash = req.headers[NETWORK_HASH_HEADER];
    if (typeof hash !== 'string' || hash === '') return reply(res, 400, 'no K-Network-Hash header\n');
    return reply(res, 200, '', { 'k-network-hash': hash });
  }
  if (probe !== QUEUE_PROBE_VALUE) return reply(res, 400, `unexpected probe header value: ${probe ?? ''}\n`);
  const gone = new AbortController();
  const onClose = () => gone.abort();
  res.once('close', onClose);
  try {
    const ready = await state.userReady(gone.signal);
    if (state.draining) return reply(res, 503, 'shutting down\n');
    reply(res, ready ? 200 : 503, ready ? QUEUE_PROBE_VALUE : '');
  } finally {
    res.off('close', onClose);
  }
}
