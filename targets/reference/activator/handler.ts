import type { Agent, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Lister } from '../controller-runtime/informer.ts';
import type { ActiveMutants } from '../mutants/active.ts';
import { QueueFullError } from '../queue-proxy/breaker.ts';
import { DEFAULT_REVISION_TIMEOUT_SECONDS } from '../queue-proxy/config.ts';
import { forward } from '../queue-proxy/forward.ts';
import { ACTIVATOR_NAME, ORIGINAL_HOST_HEADER, PROXY_HEADER, endToEnd } from '../queue-proxy/headers.ts';
import { ACTIVATOR_HEADERS, type AutoscalerLink } from '../serving/dataplane.ts';
import type { KRevision } from '../serving/types.ts';
import { revisionSettings, splitDest } from './backends.ts';
import type { ConcurrencyReporter } from './concurrency-reporter.ts';
import { RevisionGone, type Throttlers } from './throttlers.ts';
import { ClientGone, RequestTimeout, reply } from '../queue-proxy/reply.ts';
import { pause } from './pause.ts';

/** At most one poke per revision in this long: a burst at zero is one scale-from-zero signal, not thousands. */
export const POKE_INTERVAL_MS = 1000;
/** A pod that refused a connection: try again (any ready pod) after 25 ms, doubling up to 1 s, until the deadline. */
const RETRY_MIN_MS = 25;
const RETRY_MAX_MS = 1000;
const CLUSTER_DOMAIN = 'cluster.local';

export interface HandlerDeps {
  revisions: Lister<KRevision>;
  throttlers: Throttlers;
  reporter: ConcurrencyReporter;
  autoscaler: AutoscalerLink;
  mutants: ActiveMutants;
  /** Keep-alive connections to the queue-proxies. */
  agent: Agent;
  log: (line: string) => void;
}


const header = (req: IncomingMessage, name: string): string => {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
};

/** The revision a request is for: Knative's headers, else a Host `<revision>.<namespace>.svc.cluster.local`. */
export function revisionFor(req: IncomingMessage): { namespace: string; name: string } | undefined {
  const namespace = header(req, ACTIVATOR_HEADERS.namespace);
  const name = header(req, ACTIVATOR_HEADERS.revision);
  if (namespace && name) return { namespace, name };
  const parts = (req.headers.host ?? '').replace(/:\d+$/, '').split('.');
  if (parts.length === 5 && parts[2] === 'svc' && `${parts[3]}.${parts[4]}` === CLUSTER_DOMAIN) return { namespace: parts[1]!, name: parts[0]! };
  return undefined;
}

/** Knative's activator to queue-proxy headers: revision headers dropped, Host moved to K-Original-Host, K-Proxy-Request. */
export function queueProxyHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const out = endToEnd(req.headers);
  delete out[ACTIVATOR_HEADERS.revision];
  delete out[ACTIVATOR_HEADERS.namespace];
  if (out[ORIGINAL_HOST_HEADER] === undefined && req.headers.host) out[ORIGINAL_HOST_HEADER] = req.headers.host;
  delete out.host;
  out[PROXY_HEADER] = ACTIVATOR_NAME;
  return out;
}

/** The activator's request path: find the revision, hold the request until a pod has a slot, proxy it there. */
export function activatorHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const lastPoke = new Map<string, number>();
  const poke = (namespace: string, name: string) => {
    const key = `${namespace}/${name}`;
    const now = Date.now();
    if (now - (lastPoke.get(key) ?? -Infinity) < POKE_INTERVAL_MS) return;
    lastPoke.set(key, now);
    deps.autoscaler.poke(namespace, name);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const id = revisionFor(req);
    if (!id) return reply(res, 404, `no revision: the activator needs the ${ACTIVATOR_HEADERS.revision} and ${ACTIVATOR_HEADERS.namespace} headers`);
    const key = `${id.namespace}/${id.name}`;
    const rev = deps.revisions.get(id.name, id.namespace);
    const throttler = rev ? deps.throttlers.get(id.namespace, id.name) : undefined;
    if (!rev || !throttler) return reply(res, 404, `Error getting active endpoint: revision ${key} not found`);

    const done = deps.reporter.requestIn(id.namespace, id.name);
    const deadline = new AbortController();
    const timeoutSeconds = deps.mutants.has('ignores-timeout') ? DEFAULT_REVISION_TIMEOUT_SECONDS : revisionSettings(rev).timeoutSeconds;
    const timer = setTimeout(() => deadline.abort(new RequestTimeout()), timeoutSeconds * 1000);
    const onClose = () => {
      if (!res.writableFinished) deadline.abort(new ClientGone());
    };
    res.once('close', onClose);
    try {
      if (throttler.backends.length === 0) {
        if (deps.mutants.has('no-activator')) return reply(res, 503, `no ready pod for revision ${key} (mutant no-activator: requests are not held)`);
        poke(id.namespace, id.name);
      }
      const headers = queueProxyHeaders(req);
      for (let attempt = 0; ; attempt++) {
        const lease = await throttler.acquire(deadline.signal);
        const { host, port } = splitDest(lease.dest);
        let outcome;
        try {
          outcome = await forward(req, res, { host, port, agent: deps.agent, headers, signal: deadline.signal });
        } finally {
          lease.release();
        }
        if (outcome.kind === 'relayed' || deadline.signal.aborted) break;
        if (!outcome.retryable) return reply(res, 502, `queue-proxy ${lease.dest}: ${outcome.error.message}`);
        // The pod is going away, or not quite there: hold the request again until a pod takes it.
        if (attempt === 0) deps.log(`activator: ${key}: ${lease.dest} refused (${outcome.error.message}); holding the request again`);
        await pause(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt), deadline.signal);
      }
      if (deadline.signal.reason instanceof RequestTimeout) reply(res, 504, 'activator request timeout');
    } catch (e) {
      if (e instanceof QueueFullError) reply(res, 503, e.message);
      else if (e instanceof RequestTimeout) reply(res, 504, 'activator request timeout');
      else if (e instanceof RevisionGone) reply(res, 503, e.message);
      else if (!(e instanceof ClientGone)) reply(res, 503, (e as Error).message);
    } finally {
      clearTimeout(timer);
      res.off('close', onClose);
      done();
    }
  };
  return (req, res) => void handle(req, res);
}
