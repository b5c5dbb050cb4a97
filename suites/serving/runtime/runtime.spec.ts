/**
 * Knative's runtime contract, as the probe sees it from inside the container. The requirements share one
 * Service and one request to it (what the container saw); TIMEOUT sends its own two requests, holding the
 * target alone while it times them.
 */
import { afterFile, httpAttempt, requirement, serviceRef, type Cluster, type RequirementContext } from '../../../harness/index.ts';
import { oneLine } from '../one-line.ts';
import { notIps, parseForwarded } from './forwarded.ts';
import { runtimeFacts, type RuntimeAnswer, type RuntimeFacts } from './service.ts';

const CONTRACT = 'Knative Serving runtime contract (knative/specs specs/serving/runtime-contract.md)';
const ONE_REQUEST =
  'one request through the gateway to a Service of the probe (min-scale 1); settings.readyTimeoutSeconds, settings.requestTimeoutSeconds';

const NAME = 'runtime';
/** The revision's timeoutSeconds: short, so that a request longer than it costs seconds, not minutes. */
const TIMEOUT_SECONDS = 2;

let cluster: Cluster | undefined;
let shared: Promise<RuntimeFacts> | undefined;

async function facts(ctx: RequirementContext): Promise<RuntimeFacts & { answer: RuntimeAnswer }> {
  cluster ??= ctx.cluster;
  shared ??= runtimeFacts(ctx, NAME, TIMEOUT_SECONDS);
  const f = await shared;
  ctx.log.resource(f.resource);
  ctx.log.artifact(f.artifact);
  ctx.log.note(`what the container saw of GET ${f.request} (through the gateway ${f.gateway.host}:${f.gateway.port}, ${f.gateway.source})`);
  const answer = ctx.require(f.answer, `GET ${f.request} answered ${f.status}, not the probe's 200: ${oneLine(f.body)}`);
  return { ...f, answer };
}

afterFile(async () => {
  if (cluster) await cluster.delete(serviceRef(NAME));
});

const header = (a: RuntimeAnswer, name: string): string | undefined => {
  const v = a.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

export const ENV = requirement({
  id: 'SERVING.RUNTIME.ENV',
  level: 'MUST',
  layer: 'serving',
  profile: 'conformance',
  title: 'The container gets PORT in its environment, and requests reach it on that port',
  upstream:
    `${CONTRACT}, "Process": "The following environment variables MUST be set: PORT (Ingress containerPort for ingress requests and ` +
    'health checks)"; "Protocols and Ports": "Regardless of its source, the selected port will be made available in the PORT environment variable."',
  bound: `PORT a port number and equal to the port the request arrived on; ${ONE_REQUEST}`,
  parallel: true,
  mutants: ['no-port-env'],
}, async (ctx) => {
  const { answer } = await facts(ctx);
  const port = answer.env.PORT ?? null;
  ctx.log.observe('PORT', port, { bound: 'set: a port number' });
  ctx.log.observe('port the request arrived on', answer.localPort, { bound: '= PORT' });
  ctx.must('the container sees PORT', port !== null && port !== '', 'the container has no PORT in its environment');
  ctx.must('PORT is a port number', /^\d+$/.test(port!) && Number(port) >= 1 && Number(port) <= 65535, `PORT=${port} is not a port number`);
  ctx.must('requests reach the container on PORT', answer.localPort === Number(port), `requests reach the container on port ${answer.localPort}, not on PORT=${port}`);
});

export const ENV_K = requirement({
  id: 'SERVING.RUNTIME.ENV-K',
  level: 'SHOULD',
  layer: 'serving',
  profile: 'conformance',
  title: 'The container gets K_SERVICE, K_CONFIGURATION and K_REVISION naming its Service, Configuration and Revision',
  upstream:
    `${CONTRACT}, "Process": "The following environment variables SHOULD be set: K_REVISION (Name of the current Revision.), ` +
    'K_CONFIGURATION (Name of the Configuration that created the current Revision.), K_SERVICE (If the current Revision has been created ' +
    'by manipulating a Knative Service object, name of this Knative Service.)"',
  bound: `equal to the Service's name (twice) and its status.latestReadyRevisionName; ${ONE_REQUEST}`,
  parallel: true,
  mutants: ['wrong-revision-env'],
}, async (ctx) => {
  const { answer, revision } = await facts(ctx);
  const expected = { K_SERVICE: NAME, K_CONFIGURATION: NAME, K_REVISION: revision };
  for (const [key, want] of Object.entries(expected)) {
    const got = answer.env[key] ?? null;
    ctx.log.observe(key, got, { bound: `= ${want}` });
  }
  const wrong = Object.entries(expected).filter(([key, want]) => answer.env[key] !== want);
  // What this SHOULD requirement asks, as MUSTs of its body: when one does not hold it fails (at its level, SHOULD).
  ctx.must(
    'the container sees K_SERVICE, K_CONFIGURATION and K_REVISION naming its Service, Configuration and Revision',
    wrong.length === 0,
    `the container sees ${wrong.map(([k, want]) => `${k}=${answer.env[k] ?? '(unset)'} (want ${want})`).join(', ')}`,
  );
});

export const HEADERS = requirement({
  id: 'SERVING.RUNTIME.HEADERS',
  level: 'MUST',
  layer: 'serving',
  profile: 'conformance',
  title: 'Requests reach the container with the Host they were sent with and a Forwarded header (RFC 7239)',
  upstream:
    `${CONTRACT}, "Headers": "the following base set of HTTP/1.1 headers MUST be set on the request: Host - As specified by RFC 7230 ` +
    'Section 5.4" and "the following proxy-specific request headers MUST be set: Forwarded - As specified by RFC 7239."',
  bound: `Host = the host of status.url; Forwarded parses as RFC 7239, and its proto and host, if given, are http and that host; ${ONE_REQUEST}`,
  parallel: true,
  mutants: ['strips-forwarded-headers'],
}, async (ctx) => {
  const { answer, url } = await facts(ctx);
  const host = new URL(url).host;
  ctx.log.observe('Host', answer.host, { bound: `= ${host} (status.url)` });
  ctx.must('the container gets the Host of status.url', answer.host === host, `the container got Host ${answer.host ?? '(none)'} for a request to ${url}`);
  const forwarded = header(answer, 'forwarded');
  ctx.log.observe('Forwarded', forwarded ?? null, { bound: 'set, RFC 7239' });
  if (forwarded === undefined) return ctx.fail(`no Forwarded header reached the container (headers it got: ${Object.keys(answer.headers).join(', ')})`);
  let elements: Record<string, string>[] = [];
  try {
    elements = parseForwarded(forwarded);
  } catch (e) {
    ctx.fail(`Forwarded: ${forwarded} is not RFC 7239: ${(e as Error).message}`);
  }
  const first = elements[0]!;
  if (first.proto !== undefined) ctx.must('Forwarded says proto=http', first.proto.toLowerCase() === 'http', `Forwarded says proto=${first.proto} for a plain http request`);
  if (first.host !== undefined) ctx.must('Forwarded says the host of status.url', first.host === host, `Forwarded says host=${first.host} for a request to ${host}`);
});

export const HEADERS_X_FORWARDED = requirement({
  id: 'SERVING.RUNTIME.HEADERS-X-FORWARDED',
  level: 'SHOULD',
  layer: 'serving',
  profile: 'conformance',
  title: 'Requests reach the container with X-Forwarded-For (IP addresses) and X-Forwarded-Proto',
  upstream:
    `${CONTRACT}, "Headers": "the following legacy headers SHOULD be set for compatibility with client software: X-Forwarded-For, ` +
    'X-Forwarded-Proto"',
  bound: `X-Forwarded-For a comma-separated list of IP addresses, X-Forwarded-Proto = http; ${ONE_REQUEST}`,
  parallel: true,
  mutants: ['strips-forwarded-headers'],
}, async (ctx) => {
  const { answer } = await facts(ctx);
  const xff = header(answer, 'x-forwarded-for');
  const xfp = header(answer, 'x-forwarded-proto');
  ctx.log.observe('X-Forwarded-For', xff ?? null, { bound: 'comma-separated IP addresses' });
  ctx.log.observe('X-Forwarded-Proto', xfp ?? null, { bound: '= http' });
  // What this SHOULD requirement asks, as MUSTs of its body: when one does not hold it fails (at its level, SHOULD).
  ctx.must('the container gets X-Forwarded-For', xff !== undefined && xff !== '', 'no X-Forwarded-For header reached the container');
  const bad = notIps(xff!);
  ctx.must('X-Forwarded-For lists IP addresses', bad.length === 0, `X-Forwarded-For: ${xff} has entries that are not IP addresses: ${bad.join(', ')}`);
  ctx.must('the container gets X-Forwarded-Proto', xfp !== undefined, 'no X-Forwarded-Proto header reached the container');
  ctx.must('X-Forwarded-Proto is http', xfp === 'http', `X-Forwarded-Proto: ${xfp} for a plain http request`);
});

export const FILESYSTEM = requirement({
  id: 'SERVING.RUNTIME.FILESYSTEM',
  level: 'MUST',
  layer: 'serving',
  profile: 'conformance',
  title: '/tmp is writable in the container: a file can be written there, read back and removed',
  upstream: `${CONTRACT}, "Default Filesystems": "the following filesystems MUST be provided: /tmp: MUST be Read-write."`,
  bound: `the probe's write=/tmp knob reports ok; ${ONE_REQUEST}`,
  parallel: true,
  mutants: ['read-only-tmp'],
}, async (ctx) => {
  const { answer } = await facts(ctx);
  const tmp = answer.writes?.find((w) => w.dir === '/tmp');
  ctx.log.observe('/tmp: a file written, read back and removed', tmp?.ok ?? null, { bound: '= true' });
  if (tmp?.error) ctx.log.observe('/tmp: error', tmp.error);
  ctx.must('the probe reports on /tmp', tmp !== undefined, 'the probe did not report on /tmp');
  ctx.must('the container can write, read back and remove a file in /tmp', tmp!.ok, `the container cannot use /tmp: ${tmp!.error ?? '?'}`);
});

export const TIMEOUT = requirement({
  id: 'SERVING.RUNTIME.TIMEOUT',
  level: 'MUST',
  layer: 'serving',
  profile: 'conformance',
  title: "A request that outlasts the revision's timeoutSeconds is cut with an error status (5xx) at that time; a shorter one completes",
  upstream:
    'Knative Serving API specification 1.0 (knative/specs specs/serving/knative-api-specification-1.0.md), "Detailed Resources – v1", ' +
    'Revision spec, timeoutSeconds (Schema Requirement: REQUIRED): "The maximum duration in seconds that the instance is allowed to ' +
    'respond to a request. If unspecified, a system default will be provided."',
  bound:
    'the resources applied: timeoutSeconds 2; a request held 1 s by the app answers 200, one held 6 s ends with a 5xx between ' +
    '1.75 and 4 s after it was sent (the two requests hold the target alone: the time is judged)',
  mutants: ['ignores-timeout'],
}, async (ctx) => {
  const { url, gateway, timeoutSeconds: t } = await facts(ctx);
  const wait = ctx.settings.requestTimeoutSeconds * 1000;
  const withinMs = t * 500;
  const beyondMs = (t + 4) * 1000;
  const get = (delayMs: number) => httpAttempt({ url: `${url}/?delay=${delayMs}`, via: gateway, timeoutMs: wait, signal: ctx.signal });
  const [within, beyond] = await ctx.exclusive(() => Promise.all([get(withinMs), get(beyondMs)]));
  const took = (r: typeof within) => Math.round(r.durationMs) / 1000;
  const what = (r: typeof within) => r.error ?? `${r.status} ${oneLine(r.body, 100)}`;
  ctx.log.observe('timeoutSeconds', t, { unit: 's' });
  ctx.log.observe(`request held ${withinMs} ms by the app: status`, within.error ? null : within.status, { bound: '= 200' });
  ctx.log.observe(`request held ${beyondMs} ms by the app: status`, beyond.error ? null : beyond.status, { bound: '5xx' });
  ctx.log.observe(`request held ${beyondMs} ms by the app: ended after`, took(beyond), { unit: 's', bound: `${t - 0.25} .. ${t + 2} s` });
  ctx.must('a request shorter than timeoutSeconds answers 200', within.status === 200, `a request shorter than timeoutSeconds ${t} s (${withinMs} ms) did not succeed: ${what(within)} after ${took(within)} s`);
  ctx.must('a request longer than timeoutSeconds does not answer 200', beyond.status !== 200, `a request longer than timeoutSeconds ${t} s answered 200 after ${took(beyond)} s: the timeout was not enforced`);
  ctx.must('a request longer than timeoutSeconds ends with an error status', beyond.status >= 500, `a request longer than timeoutSeconds ${t} s ended without an error status: ${what(beyond)} after ${took(beyond)} s`);
  ctx.must('a request longer than timeoutSeconds is cut at timeoutSeconds', took(beyond) >= t - 0.25 && took(beyond) <= t + 2, `a request longer than timeoutSeconds ${t} s was cut after ${took(beyond)} s, not at ${t} s (+2 s)`);
});
