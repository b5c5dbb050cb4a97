import type { V1Pod } from '@kubernetes/client-node';
import { probeService, requirement, serviceRef, type KnativeCondition, type KService } from '../../harness/index.ts';

const ERRORS = 'Knative common error signalling (knative/specs specs/common/error-signalling.md, the API specification 1.0\'s "Error Signalling")';
/** The code the probe exits with, right after it starts. */
const EXIT_CODE = 3;
/** The user container's name in the template (probeService), which its pods keep. */
const USER_CONTAINER = 'user-container';
/** A reason that names the container's exit or its crash loop: Knative's `ExitCode<n>`, `CrashLoopBackOff`, ... */
const NAMES_EXIT = /exit|crash/i;

interface RevisionView {
  metadata?: { name?: string };
  status?: { conditions?: KnativeCondition[] };
}

const conditionOf = (conditions: KnativeCondition[] | undefined, type: string) => conditions?.find((c) => c.type === type);
const said = (c: KnativeCondition | undefined) => (c ? `${c.status} ${c.reason ?? '(no reason)'}: ${c.message ?? '(no message)'}` : '(none)');

/** The user container's exits as its pods' statuses show them. */
function exitsOf(pods: readonly V1Pod[]): { pod: string; restarts: number; exitCode: number | null; waiting: string | null }[] {
  return pods.flatMap((p) =>
    (p.status?.containerStatuses ?? [])
      .filter((c) => c.name === USER_CONTAINER)
      .map((c) => ({
        pod: p.metadata?.name ?? '?',
        restarts: c.restartCount,
        exitCode: c.lastState?.terminated?.exitCode ?? c.state?.terminated?.exitCode ?? null,
        waiting: c.state?.waiting?.reason ?? null,
      })),
  );
}

export default requirement({
  id: 'SERVING.READY.FAILURE-REPORTED',
  level: 'MUST',
  layer: 'serving',
  profile: 'conformance',
  title:
    "A Knative Service whose container exits at start reports Ready=False (not Unknown forever) with a failure reason, and its Revision's " +
    "reason names the container's exit",
  upstream:
    `${ERRORS}: '"False" MUST indicate a failure condition.'; '"Unknown" SHOULD indicate that reconciliation is not yet complete and ` +
    'success or failure is not yet determined.\' with \'Implementations are expected to treat these as "MUST" for factors within the control ' +
    'of the implementation.\'; \'Conditions where the status is "False" MUST provide a failure reason in the condition.\'; \'Conditions ' +
    'with a status other than "True" SHOULD provide message and reason fields indicating the reason that the status is not "True".\' ' +
    "(knative.dev/serving's conformance test TestContainerExitingMsg checks the same for a crashing container)",
  bound:
    `settings.readyTimeoutSeconds (default 60 s) for the Service's and its Revision's Ready=False; the container exits with code ${EXIT_CODE} ` +
    "right after it starts; the crash is read from the revision's pods' container statuses where the platform shows pods (else " +
    "inconclusive when they show no such exit: the crash path did not run)",
  parallel: true,
  mutants: ['hides-container-failure', 'misreports-container-failure'],
}, async (ctx) => {
  const { cluster, settings, log } = ctx;
  const name = 'ready-failure';
  const started = Date.now();
  const deadline = started + settings.readyTimeoutSeconds * 1000;
  // The probe exits with code 3 right after it starts: every pod of the revision crash-loops.
  await cluster.apply(probeService({ name, env: { PROBE_EXIT_AFTER_MS: '1', PROBE_EXIT_CODE: String(EXIT_CODE) } }));

  const svc = await cluster.waitFor<KService>(
    serviceRef(name),
    (s) => conditionOf(s?.status?.conditions, 'Ready')?.status === 'False',
    { timeoutMs: deadline - Date.now(), what: `Knative Service ${name} Ready=False`, signal: ctx.signal },
  );
  const ready = ctx.require(conditionOf(svc.status?.conditions, 'Ready'), 'no Ready condition');
  log.observe('time to Ready=False', (Date.now() - started) / 1000, { unit: 's', bound: `<= ${settings.readyTimeoutSeconds} s` });
  log.observe('Service Ready.reason', ready.reason ?? null, { bound: 'non-empty' });
  log.observe('Service Ready.message', ready.message ?? null, { bound: 'non-empty (SHOULD)' });
  ctx.must("the Service's Ready=False carries a failure reason", !!ready.reason, `the Service's Ready=False carries no reason (message: ${ready.message ?? '(none)'})`);
  ctx.should("the Service's Ready=False carries a message", !!ready.message, `the Service's Ready=False (${ready.reason}) carries no message`);

  // The Revision of the crashing template: its own Ready=False and the reason it gives.
  const revision = ctx.require(svc.status?.latestCreatedRevisionName, 'the failed Service has no status.latestCreatedRevisionName');
  const rev = await cluster.waitFor<RevisionView>(
    { apiVersion: 'serving.knative.dev/v1', kind: 'Revision', metadata: { name: revision } },
    (r) => conditionOf(r?.status?.conditions, 'Ready')?.status === 'False',
    { timeoutMs: Math.max(deadline - Date.now(), 5000), what: `Revision ${revision} Ready=False (its Service is Ready=False)`, signal: ctx.signal },
  );
  const revReady = conditionOf(rev.status?.conditions, 'Ready')!;
  const healthy = conditionOf(rev.status?.conditions, 'ContainerHealthy');
  log.observe(`Revision ${revision} Ready`, said(revReady), { bound: 'False, with a reason naming the container\'s exit' });
  log.observe(`Revision ${revision} ContainerHealthy`, said(healthy));
  ctx.must("the Revision's Ready=False carries a failure reason", !!revReady.reason, `Revision ${revision}'s Ready=False carries no reason (message: ${revReady.message ?? '(none)'})`);
  ctx.should("the Revision's Ready=False carries a message", !!revReady.message, `Revision ${revision}'s Ready=False (${revReady.reason}) carries no message`);

  // The crash path ran: the container started and exited with the probe's code. Otherwise (an image that
  // cannot be pulled, a pod never scheduled) the failure reported is real but not the one judged here.
  const pods = await cluster.listPods(`serving.knative.dev/revision=${revision}`);
  const exits = exitsOf(pods);
  log.observe(`${USER_CONTAINER} in the revision's pods`, JSON.stringify(exits), { bound: `exited with ${EXIT_CODE}` });
  if (pods.length === 0) {
    log.note(`no pod of ${revision} is visible through the API: the container's exit is known from the Revision's conditions only`);
  } else if (!exits.some((e) => e.exitCode === EXIT_CODE)) {
    ctx.inconclusive(
      `no pod of ${revision} shows ${USER_CONTAINER} exited with ${EXIT_CODE} (${JSON.stringify(exits)}): the crash path did not run, ` +
        `so the failure the Revision reports (${said(revReady)}) is not the container's exit this requirement judges`,
    );
  }

  // The reason says so: Ready's own, or that of the ContainerHealthy condition it aggregates.
  const reasons = [revReady, healthy].filter((c) => c?.status === 'False').map((c) => c!.reason ?? '');
  const restarts = Math.max(0, ...exits.map((e) => e.restarts));
  ctx.must(
    "the Revision's failure reason names the container's exit",
    reasons.some((r) => NAMES_EXIT.test(r)),
    `Revision ${revision} reports Ready ${said(revReady)} and ContainerHealthy ${said(healthy)}: a reason that is not the container's exit, ` +
      `though its container exited with ${exits.find((e) => e.exitCode !== null)?.exitCode ?? '?'} (${restarts} restart(s))`,
  );
});
