import { requirement } from '../../harness/requirements/requirement.ts';
import { probeService, serviceRef } from '../../harness/workloads/knative-service.ts';
import type { KService } from './parts/types.ts';

requirement('SERVING.READY.FAILURE-REPORTED', async (ctx) => {
  const { cluster, settings, log } = ctx;
  const name = 'ready-failure';
  const started = Date.now();
  // The probe exits with code 3 right after it starts: every pod of the revision crash-loops.
  await cluster.apply(probeService({ name, env: { PROBE_EXIT_AFTER_MS: '1', PROBE_EXIT_CODE: '3' } }));

  const svc = await cluster.waitFor<KService>(
    serviceRef(name),
    (s) => s?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False',
    { timeoutMs: settings.readyTimeoutSeconds * 1000, what: `Knative Service ${name} Ready=False`, signal: ctx.signal },
  );
  const ready = ctx.require(svc.status?.conditions?.find((c) => c.type === 'Ready'), 'no Ready condition');
  log.observe('time to Ready=False', (Date.now() - started) / 1000, { unit: 's', bound: `<= ${settings.readyTimeoutSeconds} s` });
  log.observe('Ready.reason', ready.reason ?? null, { bound: 'non-empty' });
  log.observe('Ready.message', ready.message ?? null, { bound: 'non-empty' });
  ctx.expect(!!ready.reason, 'Ready=False carries no reason');
  ctx.expect(!!ready.message, 'Ready=False carries no message');
});
