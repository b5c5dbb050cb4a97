import type { ForwardResult } from '../../fixtures/workloads/probe/forward-contract.ts';

/**
 * What one attempt of a client tells about the server it dialled, from how it ended (the probe's trace,
 * fixtures/workloads/probe/forward-contract.ts):
 *
 * - `served`: a 2xx response -- the request got through;
 * - `refused`: the server accepted the connection and then refused the request without a 2xx: a TLS alert,
 *   a close or a reset before any response, or a 401/403;
 * - `answered`: another HTTP response (a 404, a 503, ...), or a server that answered a TLS handshake in
 *   plaintext: the request was neither served nor refused as unauthenticated -- something past the
 *   connection handled it;
 * - `unreachable`: the connection was never made (refused, no route, timed out): the attempt never reached the
 *   server and says nothing about it;
 * - `undecided`: connected, but nothing conclusive (a timeout with the connection open, an error of the
 *   client, a result without a trace).
 *
 * A check that wants refusals counts `refused` only; `unreachable` and `undecided` make it inconclusive.
 */
export const ATTEMPT_CLASSES = ['served', 'refused', 'answered', 'unreachable', 'undecided'] as const;
export type AttemptClass = (typeof ATTEMPT_CLASSES)[number];

export interface ClassifiedAttempt {
  class: AttemptClass;
  /** How it ended, in words: `TLS alert 116 certificate_required, after the client's handshake`. */
  how: string;
}

/** Statuses that refuse a request as unauthenticated or unauthorized (Envoy's RBAC filter answers 403). */
const REFUSING_STATUSES = new Set([401, 403]);

/** A TLS error whose cause is the server speaking something else than TLS (OpenSSL's codes for it). */
const NOT_TLS = /ERR_SSL_(WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST|RECORD_LAYER_FAILURE)/;

function byStatus(status: number): ClassifiedAttempt {
  if (status >= 200 && status < 300) return { class: 'served', how: `HTTP ${status}` };
  if (REFUSING_STATUSES.has(status)) return { class: 'refused', how: `HTTP ${status}` };
  return { class: 'answered', how: `HTTP ${status}` };
}

/** Where in the connection an ending came: before or after the TLS handshake, or on a plaintext connection. */
function stage(r: ForwardResult, secure: boolean): string {
  const t = r.trace;
  if (!secure) return 'on a plaintext connection';
  return t?.tls?.handshakeMs !== undefined ? `after the client's TLS handshake (${t.tls.version ?? 'TLS'})` : 'before the TLS handshake completed';
}

/**
 * Classifies one attempt (see ATTEMPT_CLASSES). `secure`: the attempt spoke TLS (an https:// URL), which says
 * whether "before the handshake" means anything.
 */
export function classifyAttempt(r: ForwardResult, secure: boolean): ClassifiedAttempt {
  const t = r.trace;
  if (!t) {
    if (r.status !== undefined) return byStatus(r.status);
    return { class: 'undecided', how: `no trace of the attempt: ${r.error ?? 'no response'}` };
  }
  const connected = t.connectedMs !== undefined;
  switch (t.end) {
    case 'response':
      return byStatus(r.status ?? 0);
    case 'connect-refused':
      return { class: 'unreachable', how: 'connection refused' };
    case 'unreachable':
      return { class: 'unreachable', how: `no route to the address (${(r.error ?? '').split(':')[0] ?? ''})` };
    case 'connect-timeout':
      return { class: 'unreachable', how: 'no connection within the timeout' };
    case 'timeout':
      return { class: 'undecided', how: `connected, then neither an answer nor a close within the timeout, ${stage(r, secure)}` };
    case 'tls-alert': {
      const a = t.alert;
      const what = `TLS alert ${a?.code ?? '?'} ${a?.description ?? ''}`.trimEnd();
      return connected ? { class: 'refused', how: `${what}, ${stage(r, secure)}` } : { class: 'undecided', how: `${what} without a connection` };
    }
    case 'tls-error':
      if (connected && NOT_TLS.test(r.error ?? '')) return { class: 'answered', how: 'the server answered the TLS handshake with something else than TLS' };
      return { class: 'undecided', how: `the client's TLS failed: ${(r.error ?? '').split('\n')[0]}` };
    case 'closed':
      return connected ? { class: 'refused', how: `closed by the server, ${stage(r, secure)}` } : { class: 'undecided', how: 'closed before connecting' };
    case 'reset':
      return connected ? { class: 'refused', how: `reset by the server, ${stage(r, secure)}` } : { class: 'unreachable', how: 'reset while connecting' };
    case 'error':
      return { class: 'undecided', how: `client error: ${(r.error ?? '').split('\n')[0]}` };
  }
}

export interface AttemptTally {
  /** Attempts by class (every class present, 0 when none). */
  classes: Record<AttemptClass, number>;
  /** Attempts by `class: how`. */
  hows: Record<string, number>;
  classified: ClassifiedAttempt[];
}

/** Classifies every attempt of a batch and counts them by class and by how they ended. */
export function tallyAttempts(results: readonly ForwardResult[], secure: boolean): AttemptTally {
  const classes = Object.fromEntries(ATTEMPT_CLASSES.map((c) => [c, 0])) as Record<AttemptClass, number>;
  const hows: Record<string, number> = {};
  const classified = results.map((r) => classifyAttempt(r, secure));
  for (const c of classified) {
    classes[c.class]++;
    const key = `${c.class}: ${c.how}`;
    hows[key] = (hows[key] ?? 0) + 1;
  }
  return { classes, hows, classified };
}
