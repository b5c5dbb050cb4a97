import { discoverGateway, httpRequest, probeService, requirement, waitReady } from '../../harness/index.ts';
import type { ProbeAnswer } from './probe-answer.ts';

const API = 'Knative Serving API specification 1.0 (knative/specs specs/serving/knative-api-specification-1.0.md)';
const CONTRACT = 'Knative Serving runtime contract (knative/specs specs/serving/runtime-contract.md)';

export default requirement({
  id: 'SERVING.READY.BASIC',
  level: 'MUST',
  layer: 'serving',
  profile: 'conformance',
  title:
    'A Knative Service becomes Ready with a status.url that has a scheme and answers 200 there (and SHOULD: its container sees ' +
    'K_SERVICE, K_CONFIGURATION and K_REVISION)',
  upstream:
    `${API}, "Detailed Resources – v1", Service status: conditions "Conditions of type Ready MUST be present."; url "A URL which may be ` +
    'used to reach the application, copied from the owned Route. The URL MUST contain the scheme (i.e. "http://", etc.)."; ' +
    '"Request Routing": "Requests to a specific Host MUST be dispatched to Revision instances in accordance with the weights specified ' +
    `in the Route". ${CONTRACT}, "Process": "The following environment variables SHOULD be set: K_REVISION, K_CONFIGURATION, K_SERVICE" ` +
    '(expectations at SHOULD; SERVING.RUNTIME.ENV-K judges them)',
  bound: 'settings.readyTimeoutSeconds (default 60 s) for Ready; settings.requestTimeoutSeconds for the request',
  parallel: true,
  mutants: ['never-ready'],
}, async (ctx) => {
  const { cluster, settings, log } = ctx;
  const name = 'ready-basic';
  const started = Date.now();
  await cluster.apply(probeService({ name }));

  const svc = await waitReady(cluster, name, settings.readyTimeoutSeconds * 1000, ctx.signal);
  log.observe('time to Ready', (Date.now() - started) / 1000, { unit: 's', bound: `<= ${settings.readyTimeoutSeconds} s` });
  const url = ctx.require(svc.status?.url, 'Ready Service has no status.url');
  const revision = ctx.require(svc.status?.latestReadyRevisionName, 'Ready Service has no status.latestReadyRevisionName');
  log.observe('status.url', url, { bound: 'with a scheme' });
  ctx.must('status.url contains the scheme', /^https?:\/\//.test(url), `status.url ${url} does not start with http:// or https://`);

  const gateway = await discoverGateway(cluster, settings.gateway);
  log.note(`gateway ${gateway.host}:${gateway.port} from ${gateway.source}`);
  const res = await httpRequest({ url, via: gateway, timeoutMs: settings.requestTimeoutSeconds * 1000, signal: ctx.signal });
  log.observe('HTTP status', res.status, { bound: '= 200' });
  ctx.must('GET status.url answers 200', res.status === 200, `GET ${url} answered ${res.status}: ${res.body.slice(0, 200)}`);

  // The runtime contract's SHOULD: recorded and counted when it does not hold, never a failure of this MUST.
  let env: ProbeAnswer['env'] = {};
  try {
    env = (JSON.parse(res.body) as ProbeAnswer).env ?? {};
  } catch {
    log.note(`the answer is not the probe's JSON: ${res.body.slice(0, 200)}`);
  }
  const expected = { K_SERVICE: name, K_CONFIGURATION: name, K_REVISION: revision };
  for (const [key, want] of Object.entries(expected)) {
    const got = env[key];
    log.observe(key, got ?? null, { bound: `= ${want} (SHOULD)` });
    ctx.should(`the container sees ${key}=${want}`, got === want, `container sees ${key}=${got ?? '(unset)'}, want ${want}`);
  }
});
