import { probeService, requirement, serviceRef, type KService } from '../../harness/index.ts';

export default requirement({
  id: 'SERVING.READY.FAILURE-REPORTED',
  level: 'MUST',
  layer: 'serving',
  title: 'A Knative Service whose container exits at start reports Ready=False with a reason and a message, not Unknown forever',
  upstream:
    'Knative Serving API specification 1.0, "Error Signalling" (Ready=False with reason and message on a terminal failure); Revision ContainerHealthy',
  bound: 'settings.readyTimeoutSeconds (default 60 s) for Ready=False',
  parallel: true,
  mutants: ['hides-container-failure'],
}, async (ctx) => {
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
  ctx.must('Ready=False carries a reason', !!ready.reason, 'Ready=False carries no reason');
  ctx.must('Ready=False carries a message', !!ready.message, 'Ready=False carries no message');
});
