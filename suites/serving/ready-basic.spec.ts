import { requirement } from '../../harness/requirements/requirement.ts';
import { discoverGateway } from '../../harness/cluster/gateway.ts';
import { httpRequest } from '../../harness/cluster/http.ts';
import { probeService, waitReady } from '../../harness/workloads/knative-service.ts';
import type { ProbeAnswer } from './parts/types.ts';

requirement('SERVING.READY.BASIC', async (ctx) => {
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
  ctx.expect(res.status === 200, `GET ${url} answered ${res.status}: ${res.body.slice(0, 200)}`);

  const answer = JSON.parse(res.body) as ProbeAnswer;
  const expected = { K_SERVICE: name, K_CONFIGURATION: name, K_REVISION: revision };
  for (const [key, want] of Object.entries(expected)) {
    const got = answer.env[key];
    log.observe(key, got ?? null, { bound: `= ${want}` });
    ctx.expect(got === want, `container sees ${key}=${got ?? '(unset)'}, want ${want}`);
  }
});
