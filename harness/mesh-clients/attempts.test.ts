import { describe, expect, it } from 'vitest';
import type { ForwardResult } from '../../fixtures/workloads/probe/forward-contract.ts';
import { classifyAttempt, tallyAttempts, type AttemptClass } from './attempts.ts';

const r = (x: Partial<ForwardResult>): ForwardResult => ({ ms: 1, ...x });

describe('classifyAttempt', () => {
  it.each<[string, ForwardResult, boolean, AttemptClass, RegExp]>([
    ['a 200', r({ status: 200, trace: { end: 'response', connectedMs: 1 } }), false, 'served', /^HTTP 200$/],
    ['a 403 (RBAC)', r({ status: 403, trace: { end: 'response', connectedMs: 1 } }), false, 'refused', /^HTTP 403$/],
    ['a 503', r({ status: 503, trace: { end: 'response', connectedMs: 1 } }), false, 'answered', /^HTTP 503$/],
    [
      'a TLS 1.3 alert after the client\'s handshake', r({ error: 'x', trace: { end: 'tls-alert', connectedMs: 1, tls: { handshakeMs: 2, version: 'TLSv1.3' }, alert: { code: 116, description: 'certificate_required' } } }),
      true, 'refused', /^TLS alert 116 certificate_required, after the client's TLS handshake \(TLSv1\.3\)$/,
    ],
    ['a TLS 1.2 alert during the handshake', r({ error: 'x', trace: { end: 'tls-alert', connectedMs: 1, alert: { code: 40, description: 'handshake_failure' } } }), true, 'refused', /handshake_failure, before the TLS handshake completed/],
    ['a close of a plaintext connection (Envoy, STRICT)', r({ error: 'x', trace: { end: 'closed', connectedMs: 1 } }), false, 'refused', /^closed by the server, on a plaintext connection$/],
    ['a reset', r({ error: 'x', trace: { end: 'reset', connectedMs: 1 } }), true, 'refused', /^reset by the server/],
    ['a refused connection', r({ error: 'ECONNREFUSED: x', trace: { end: 'connect-refused' } }), false, 'unreachable', /connection refused/],
    ['no route', r({ error: 'EHOSTUNREACH: x', trace: { end: 'unreachable' } }), false, 'unreachable', /no route/],
    ['no connection in time', r({ error: 'timeout', trace: { end: 'connect-timeout' } }), true, 'unreachable', /no connection within the timeout/],
    ['a silent server', r({ error: 'timeout', trace: { end: 'timeout', connectedMs: 1 } }), false, 'undecided', /neither an answer nor a close/],
    ['a plaintext answer to TLS', r({ error: 'ERR_SSL_WRONG_VERSION_NUMBER: x', trace: { end: 'tls-error', connectedMs: 1 } }), true, 'answered', /something else than TLS/],
    ['the client\'s own TLS failure', r({ error: 'ERR_SSL_NO_PROTOCOLS_AVAILABLE: x', trace: { end: 'tls-error', connectedMs: 1 } }), true, 'undecided', /client's TLS failed/],
    ['a close that never connected', r({ error: 'x', trace: { end: 'closed' } }), false, 'undecided', /before connecting/],
    ['an error without a trace', r({ error: 'boom' }), false, 'undecided', /no trace/],
  ])('%s', (_what, result, secure, cls, how) => {
    const c = classifyAttempt(result, secure);
    expect(c.class).toBe(cls);
    expect(c.how).toMatch(how);
  });

  it('counts a refusal only where the connection was made: a refused or timed-out connect is unreachable, never refused', () => {
    const t = tallyAttempts([
      r({ error: 'ECONNREFUSED: x', trace: { end: 'connect-refused' } }),
      r({ error: 'timeout', trace: { end: 'connect-timeout' } }),
      r({ error: 'x', trace: { end: 'closed', connectedMs: 1 } }),
    ], false);
    expect(t.classes).toEqual({ served: 0, refused: 1, answered: 0, unreachable: 2, undecided: 0 });
    expect(t.hows).toEqual({
      'unreachable: connection refused': 1, 'unreachable: no connection within the timeout': 1, 'refused: closed by the server, on a plaintext connection': 1,
    });
  });
});
