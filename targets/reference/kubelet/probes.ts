import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { V1Container, V1Probe } from '@kubernetes/client-node';

/**
 * Container probes as a kubelet runs them, against the pod IP: `httpGet` (2xx and 3xx succeed; redirects
 * are not followed) and `tcpSocket`. `exec` and `grpc` probes are not supported and always fail, saying so.
 *
 * Reference knob: the pod annotation `reference.gauntlet.dev/probe-period-ms` replaces `periodSeconds` of
 * every probe of the pod with a period in milliseconds, since the API allows no sub-second periods.
 */
export const PROBE_PERIOD_ANNOTATION = 'reference.gauntlet.dev/probe-period-ms';

export type ProbeResult = { ok: true } | { ok: false; message: string };

/** A probe's port: a number, or the name of one of the container's ports. */
export function resolvePort(port: number | string, container: V1Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

export function probeOnce(probe: V1Probe, container: V1Container, podIP: string, timeoutMs: number): Promise<ProbeResult> {
  if (probe.httpGet) {
    const h = probe.httpGet;
    const port = resolvePort(h.port, container);
    if (port === undefined) return Promise.resolve({ ok: false, message: `port ${String(h.port)} is not a port of container ${container.name}` });
    return httpProbe(h.scheme === 'HTTPS', h.host || podIP, port, h.path || '/', h.httpHeaders ?? [], timeoutMs);
  }
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, container);
    if (port === undefined) return Promise.resolve({ ok: false, message: `port ${String(probe.tcpSocket.port)} is not a port of container ${container.name}` });
    return tcpProbe(probe.tcpSocket.host || podIP, port, timeoutMs);
  }
  const kind = probe.exec ? 'exec' : probe.grpc ? 'grpc' : 'handler-less';
  return Promise.resolve({ ok: false, message: `${kind} probes are not supported by the reference kubelet` });
}

function httpProbe(tls: boolean, host: string, port: number, path: string, headers: { name: string; value: string }[], timeoutMs: number): Promise<ProbeResult> {
  const url = `${tls ? 'https' : 'http'}://${host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  const hdrs: Record<string, string> = { 'user-agent': 'kube-probe/1.34', accept: '*/*' };
  for (const h of headers) hdrs[h.name.toLowerCase()] = h.value;
  return new Promise((resolve) => {
    const req = (tls ? httpsRequest : httpRequest)(url, { method: 'GET', headers: hdrs, timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      res.on('error', () => undefined);
      resolve(status >= 200 && status < 400 ? { ok: true } : { ok: false, message: `HTTP probe failed with statuscode: ${status}` });
    });
    req.on('timeout', () => req.destroy(new Error(`Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    req.on('error', (e) => resolve({ ok: false, message: e.message.startsWith('Get "') ? e.message : `Get "${url}": ${e.message}` }));
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true });
    });
    socket.once('timeout', () => socket.destroy(new Error(`dial tcp ${host}:${port}: i/o timeout`)));
    socket.once('error', (e) => resolve({ ok: false, message: e.message.startsWith('dial tcp') ? e.message : `dial tcp ${host}:${port}: ${e.message}` }));
  });
}

export interface ProberOptions {
  probe: V1Probe;
  container: V1Container;
  podIP: string;
  /** The value the prober reports before its first verdict (readiness and startup: false; liveness: true). */
  initial: boolean;
  /** `periodSeconds` replaced, in milliseconds (the reference knob). */
  periodMsOverride?: number;
  /** Called when the verdict flips, with the last failure's message when it flips to false. */
  onChange: (ok: boolean, message: string | undefined) => void;
  /** Called on every failed attempt (for Unhealthy events). */
  onFailure?: (message: string) => void;
  /** Stop after the first success (startup probes). */
  untilSuccess?: boolean;
}

export interface Prober {
  stop(): void;
}

/** Runs a probe on its period; the verdict flips after `successThreshold` / `failureThreshold` in a row. */
export function startProber(opts: ProberOptions): Prober {
  const p = opts.probe;
  const periodMs = opts.periodMsOverride ?? Math.max(1, p.periodSeconds ?? 10) * 1000;
  const timeoutMs = Math.min(Math.max(1, p.timeoutSeconds ?? 1) * 1000, Math.max(periodMs, 100));
  const successThreshold = Math.max(1, p.successThreshold ?? 1);
  const failureThreshold = Math.max(1, p.failureThreshold ?? 3);
  let verdict = opts.initial;
  let successes = 0;
  let failures = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    if (stopped) return;
    const started = Date.now();
    const r = await probeOnce(p, opts.container, opts.podIP, timeoutMs);
    if (stopped) return;
    if (r.ok) {
      failures = 0;
      successes++;
      if (!verdict && successes >= successThreshold) {
        verdict = true;
        opts.onChange(true, undefined);
      }
      if (opts.untilSuccess && verdict) return;
    } else {
      successes = 0;
      failures++;
      opts.onFailure?.(r.message);
      if (verdict && failures >= failureThreshold) {
        verdict = false;
        opts.onChange(false, r.message);
      }
    }
    timer = setTimeout(() => void tick(), Math.max(0, periodMs - (Date.now() - started)));
  };
  timer = setTimeout(() => void tick(), Math.max(0, p.initialDelaySeconds ?? 0) * 1000);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** How often a container without a readiness probe has its ports checked until they all accept. */
export const PORT_CHECK_INTERVAL_MS = 25;

/**
 * Readiness without a readiness probe (a deviation: a kubelet calls such a container ready once it runs):
 * ready once every declared TCP port accepts connections on the pod IP, or at once with no ports. Checked
 * every 25 ms until then (a refused connection on loopback costs next to nothing), so that it adds no period
 * of its own to a pod's readiness.
 */
export function waitForPorts(container: V1Container, podIP: string, onReady: () => void): Prober {
  const ports = (container.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.containerPort);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const check = async () => {
    const results = await Promise.all(ports.map((port) => tcpProbe(podIP, port, 500)));
    if (stopped) return;
    if (results.every((r) => r.ok)) onReady();
    else timer = setTimeout(() => void check(), PORT_CHECK_INTERVAL_MS);
  };
  if (ports.length === 0) queueMicrotask(() => !stopped && onReady());
  else void check();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
