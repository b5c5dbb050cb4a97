/**
 * Knative's runtime contract, as the probe sees it from inside the container. The requirements share one
 * Service and one request to it (what the container saw); TIMEOUT sends its own two requests.
 */
import { afterAll } from 'vitest';
import { requirement, type RequirementContext } from '../../../harness/requirements/requirement.ts';
import type { Cluster } from '../../../harness/cluster/cluster.ts';
import { serviceRef } from '../../../harness/workloads/knative-service.ts';
import { oneLine } from '../parts/coldstart-trials.ts';
import { timedGet } from '../parts/coldstart-timeline.ts';
import { notIps, parseForwarded } from '../parts/runtime-forwarded.ts';
import { runtimeFacts, type RuntimeAnswer, type RuntimeFacts } from '../parts/runtime-service.ts';

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

afterAll(async () => {
  if (cluster) await cluster.delete(serviceRef(NAME));
});

const header = (a: RuntimeAnswer, name: string): string | undefined => {
  const v = a.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

requirement('SERVING.RUNTIME.ENV', async (ctx) => {
  const { answer } = await facts(ctx);
  const port = answer.env.PORT ?? null;
  ctx.log.observe('PORT', port, { bound: 'set: a port number' });
  ctx.log.observe('port the request arrived on', answer.localPort, { bound: '= PORT' });
  ctx.expect(port !== null && port !== '', 'the container has no PORT in its environment');
  ctx.expect(/^\d+$/.test(port!) && Number(port) >= 1 && Number(port) <= 65535, `PORT=${port} is not a port number`);
  ctx.expect(answer.localPort === Number(port), `requests reach the container on port ${answer.localPort}, not on PORT=${port}`);
});

requirement('SERVING.RUNTIME.ENV-K', async (ctx) => {
  const { answer, revision } = await facts(ctx);
  const expected = { K_SERVICE: NAME, K_CONFIGURATION: NAME, K_REVISION: revision };
  for (const [key, want] of Object.entries(expected)) {
    const got = answer.env[key] ?? null;
    ctx.log.observe(key, got, { bound: `= ${want}` });
  }
  const wrong = Object.entries(expected).filter(([key, want]) => answer.env[key] !== want);
  ctx.expect(wrong.length === 0, `the container sees ${wrong.map(([k, want]) => `${k}=${answer.env[k] ?? '(unset)'} (want ${want})`).join(', ')}`);
});

requirement('SERVING.RUNTIME.HEADERS', async (ctx) => {
  const { answer, url } = await facts(ctx);
  const host = new URL(url).host;
  ctx.log.observe('Host', answer.host, { bound: `= ${host} (status.url)` });
  ctx.expect(answer.host === host, `the container got Host ${answer.host ?? '(none)'} for a request to ${url}`);
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
  if (first.proto !== undefined) ctx.expect(first.proto.toLowerCase() === 'http', `Forwarded says proto=${first.proto} for a plain http request`);
  if (first.host !== undefined) ctx.expect(first.host === host, `Forwarded says host=${first.host} for a request to ${host}`);
});

requirement('SERVING.RUNTIME.HEADERS-X-FORWARDED', async (ctx) => {
  const { answer } = await facts(ctx);
  const xff = header(answer, 'x-forwarded-for');
  const xfp = header(answer, 'x-forwarded-proto');
  ctx.log.observe('X-Forwarded-For', xff ?? null, { bound: 'comma-separated IP addresses' });
  ctx.log.observe('X-Forwarded-Proto', xfp ?? null, { bound: '= http' });
  ctx.expect(xff !== undefined && xff !== '', 'no X-Forwarded-For header reached the container');
  const bad = notIps(xff!);
  ctx.expect(bad.length === 0, `X-Forwarded-For: ${xff} has entries that are not IP addresses: ${bad.join(', ')}`);
  ctx.expect(xfp !== undefined, 'no X-Forwarded-Proto header reached the container');
  ctx.expect(xfp === 'http', `X-Forwarded-Proto: ${xfp} for a plain http request`);
});

requirement('SERVING.RUNTIME.FILESYSTEM', async (ctx) => {
  const { answer } = await facts(ctx);
  const tmp = answer.writes?.find((w) => w.dir === '/tmp');
  ctx.log.observe('/tmp: a file written, read back and removed', tmp?.ok ?? null, { bound: '= true' });
  if (tmp?.error) ctx.log.observe('/tmp: error', tmp.error);
  ctx.expect(tmp !== undefined, 'the probe did not report on /tmp');
  ctx.expect(tmp!.ok, `the container cannot use /tmp: ${tmp!.error ?? '?'}`);
});

requirement('SERVING.RUNTIME.TIMEOUT', async (ctx) => {
  const { url, gateway, timeoutSeconds: t } = await facts(ctx);
  const wait = ctx.settings.requestTimeoutSeconds * 1000;
  const withinMs = t * 500;
  const beyondMs = (t + 4) * 1000;
  const [within, beyond] = await Promise.all([
    timedGet(`${url}/?delay=${withinMs}`, gateway, wait, ctx.signal),
    timedGet(`${url}/?delay=${beyondMs}`, gateway, wait, ctx.signal),
  ]);
  const took = (r: typeof within) => (r.endAt - r.sentAt) / 1000;
  const what = (r: typeof within) => r.error ?? `${r.status} ${oneLine(r.body, 100)}`;
  ctx.log.observe('timeoutSeconds', t, { unit: 's' });
  ctx.log.observe(`request held ${withinMs} ms by the app: status`, within.error ? null : within.status, { bound: '= 200' });
  ctx.log.observe(`request held ${beyondMs} ms by the app: status`, beyond.error ? null : beyond.status, { bound: '5xx' });
  ctx.log.observe(`request held ${beyondMs} ms by the app: ended after`, took(beyond), { unit: 's', bound: `${t - 0.25} .. ${t + 2} s` });
  ctx.expect(within.status === 200, `a request shorter than timeoutSeconds ${t} s (${withinMs} ms) did not succeed: ${what(within)} after ${took(within)} s`);
  ctx.expect(beyond.status !== 200, `a request longer than timeoutSeconds ${t} s answered 200 after ${took(beyond)} s: the timeout was not enforced`);
  ctx.expect(beyond.status >= 500, `a request longer than timeoutSeconds ${t} s ended without an error status: ${what(beyond)} after ${took(beyond)} s`);
  ctx.expect(took(beyond) >= t - 0.25 && took(beyond) <= t + 2, `a request longer than timeoutSeconds ${t} s was cut after ${took(beyond)} s, not at ${t} s (+2 s)`);
});
