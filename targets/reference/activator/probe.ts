import type { Agent } from 'node:http';
import { PROBE_HEADER, QUEUE_PROBE_VALUE } from '../queue-proxy/health.ts';
import { splitDest } from './backends.ts';

const { request } = process.getBuiltinModule('node:http');

/** Knative's activator (pkg/activator/net/revision_backends.go): each probe may take 300 ms... */
export const PROBE_TIMEOUT_MS = 300;
/** ...and a pod that has not passed is probed again every 200 ms (defaultProbeFrequency). */
export const PROBE_FREQUENCY_MS = 200;
/**
 * A pod whose queue-proxy does not listen yet (connection refused) is tried again after 10 ms, for its first
 * 2 s: the reference's queue-proxy is a Node program that needs tens of milliseconds to listen, where
 * Knative's Go binary listens at once; a 200 ms period would add up to 200 ms to a cold start. A refused
 * connection on loopback costs next to nothing.
 */
export const REFUSED_RETRY_MS = 10;
export const REFUSED_FAST_FOR_MS = 2000;
/** Knative's activator probes with this user agent (network.ActivatorUserAgent). */
export const ACTIVATOR_USER_AGENT = 'Knative-Activator-Probe';

/** `ready`: 200 `queue`; `refused`: nothing listens there (yet); `not-ready`: anything else (503, timeout, ...). */
export type ProbeOutcome = 'ready' | 'refused' | 'not-ready';

/** Probes one pod's queue-proxy (`host:port`); resolves within `timeoutMs` or when `signal` aborts. */
export type PodProber = (dest: string, signal: AbortSignal) => Promise<ProbeOutcome>;

/**
 * Knative's activator probe of a queue-proxy: `GET /` with `K-Network-Probe: queue`, passing on 200 with the
 * body `queue`. The queue-proxy holds such a probe until its user container accepts connections, so a probe
 * sent while the pod starts passes the moment it can take traffic. Kept-alive connections (`agent`): the
 * request that waited for the pod goes out on the connection the probe opened.
 */
export function httpPodProber(agent: Agent, timeoutMs = PROBE_TIMEOUT_MS): PodProber {
  return (dest, signal) =>
    new Promise((resolve) => {
      const { host, port } = splitDest(dest);
      let settled = false;
      const done = (outcome: ProbeOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', abort);
        resolve(outcome);
      };
      const req = request({
        host, port, path: '/', method: 'GET', agent,
        headers: { [PROBE_HEADER]: QUEUE_PROBE_VALUE, 'user-agent': ACTIVATOR_USER_AGENT },
      }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => done(res.statusCode === 200 && body === QUEUE_PROBE_VALUE ? 'ready' : 'not-ready'));
        res.on('error', () => done('not-ready'));
      });
      const abort = () => {
        req.destroy();
        done('not-ready');
      };
      const timer = setTimeout(abort, timeoutMs);
      signal.addEventListener('abort', abort, { once: true });
      req.on('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'not-ready'));
      req.end();
    });
}
