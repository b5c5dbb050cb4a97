import { Agent, request, type ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import type { GatewayAddress } from '../../../../harness/index.ts';
import { revisionOf, TEMPLATE_HEADER } from '../../revision-identity.ts';

/** One connection per request, or keep-alive connections each carrying many requests. */
export type ConnectionMode = 'fresh' | 'keep-alive';

export interface Answer {
  /** HTTP status; 0 when no response came (connection error, timeout). */
  status: number;
  /**
   * The revision that answered, by the token its template gave the probe (`x-gauntlet-template`, mapped by
   * ../../revision-identity.ts): its name, `template <token>` for a template not learnt, undefined without one.
   */
  revision: string | undefined;
  /** Which TCP connection carried the request (ids are per sampler run). */
  connection: number;
  /** The connection had carried an earlier request. */
  reused: boolean;
  error?: string;
}

export interface SamplerOptions {
  /** The Service's status.url; requests go to the gateway with its host. */
  url: string;
  via: GatewayAddress;
  mode: ConnectionMode;
  /** Requests in flight at once: one per worker, and in keep-alive mode one connection per worker. */
  concurrency: number;
  timeoutMs: number;
  maxRequests: number;
  maxSeconds: number;
  signal?: AbortSignal;
}

export interface SamplerRun {
  sent: number;
  answered: number;
  connections: number;
  /** Requests that went over a connection that had carried one before. */
  reused: number;
  seconds: number;
  stoppedBy: 'caller' | 'request cap' | 'time cap' | 'abort';
}

/**
 * Sends GET requests to a Service through the gateway, `concurrency` at a time, handing every answer to
 * `onAnswer` as it arrives; stops as soon as `onAnswer` returns true (answers still in flight then are not
 * handed over), or at the request or time cap. Plain node:http rather than k6 batches: as fast on the
 * reference, and it tells which connection carried each request, which the keep-alive check needs.
 */
export async function sample(o: SamplerOptions, onAnswer: (a: Answer) => boolean): Promise<SamplerRun> {
  const url = new URL(o.url);
  const started = Date.now();
  const ids = new WeakMap<Socket, number>();
  let nextId = 0;
  let sent = 0;
  let answered = 0;
  let reused = 0;
  let stoppedBy: SamplerRun['stoppedBy'] | undefined;
  const stopped = () => {
    if (stoppedBy) return true;
    if (o.signal?.aborted) stoppedBy = 'abort';
    else if (sent >= o.maxRequests) stoppedBy = 'request cap';
    else if (Date.now() - started > o.maxSeconds * 1000) stoppedBy = 'time cap';
    return stoppedBy !== undefined;
  };
  const agents: Agent[] = [];
  const one = (agent: Agent | false) =>
    new Promise<Answer>((resolve) => {
      let connection = -1;
      let wasReused = false;
      const req: ClientRequest = request(
        { host: o.via.host, port: o.via.port, path: `${url.pathname}${url.search}`, headers: { host: url.host }, agent, timeout: o.timeoutMs },
        (res) => {
          res.resume();
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, revision: revisionOf(res.headers[TEMPLATE_HEADER]), connection, reused: wasReused });
          });
          res.on('error', (e) => resolve({ status: 0, revision: undefined, connection, reused: wasReused, error: e.message }));
        },
      );
      req.on('socket', (s: Socket) => {
        wasReused = req.reusedSocket;
        let id = ids.get(s);
        if (id === undefined) ids.set(s, (id = nextId++));
        connection = id;
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
      req.on('error', (e) => resolve({ status: 0, revision: undefined, connection, reused: wasReused, error: e.message }));
      req.end();
    });
  const worker = async () => {
    const agent = o.mode === 'keep-alive' ? new Agent({ keepAlive: true, maxSockets: 1 }) : false;
    if (agent) agents.push(agent);
    while (!stopped()) {
      sent++;
      const a = await one(agent);
      if (stoppedBy) break;
      answered++;
      if (a.reused) reused++;
      if (onAnswer(a)) stoppedBy = 'caller';
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, worker));
  } finally {
    for (const a of agents) a.destroy();
  }
  return { sent, answered, connections: nextId, reused, seconds: (Date.now() - started) / 1000, stoppedBy: stoppedBy ?? 'caller' };
}
