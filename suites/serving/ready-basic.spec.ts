import { discoverGateway, httpRequest, probeService, requirement, waitReady } from '../../harness/index.ts';
import type { ProbeAnswer } from './probe-answer.ts';

export default requirement({
  id: 'SERVING.READY.BASIC',
  level: 'MUST',
  layer: 'serving',
  title: 'A Knative Service becomes Ready, answers 200 at its URL, and its container sees K_SERVICE, K_CONFIGURATION and K_REVISION',
  upstream:
    'Knative Serving API specification 1.0, "Service" (status.url, Ready condition); runtime contract, "Environment variables" (K_SERVICE, K_CONFIGURATION, K_REVISION)',
  bound: 'settings.readyTimeoutSeconds (default 60 s) for Ready; settings.requestTimeoutSeconds for the request',
  parallel: true,
  mutants: ['never-ready', 'wrong-revision-env'],
}, async (ctx) => {
  const { cluster, settings, log } = ctx;
  const name = 'ready-basic';
  const started = Date.now();
  await cluster.apply(probeService({ name }));

  const svc = await waitReady(cluster, name, settings.readyTimeoutSeconds * 1000, ctx.signal);
  log.observe('time to Ready', (Date.now() - started) / 1000, { unit: 's', bound: `<= ${settings.readyTimeoutSeconds} s` });
  const url = ctx.require(svc.status?.url, 'Ready Service has no status.url');
  const revision = ctx.require(svc.status?.latestReadyRevisionName, 'Ready Service has no status.latestReadyRevisionName');
  log.observe('status.url', url);

  const gateway = await discoverGateway(cluster, settings.gateway);
  log.note(`gateway ${gateway.host}:${gateway.port} from ${gateway.source}`);
  const res = await httpRequest({ url, via: gateway, timeoutMs: settings.requestTimeoutSeconds * 1000, signal: ctx.signal });
  log.observe('HTTP status', res.status, { bound: '= 200' });
  ctx.must('GET status.url answers 200', res.status === 200, `GET ${url} answered ${res.status}: ${res.body.slice(0, 200)}`);

  const answer = JSON.parse(res.body) as ProbeAnswer;
  const expected = { K_SERVICE: name, K_CONFIGURATION: name, K_REVISION: revision };
  for (const [key, want] of Object.entries(expected)) {
    const got = answer.env[key];
    log.observe(key, got ?? null, { bound: `= ${want}` });
    ctx.must(`the container sees ${key}=${want}`, got === want, `container sees ${key}=${got ?? '(unset)'}, want ${want}`);
  }
});
