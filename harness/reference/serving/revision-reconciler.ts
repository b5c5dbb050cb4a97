import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { Lister } from '../controllers/runtime/informer.ts';
import { splitKey } from '../controllers/runtime/controller.ts';
import { setCondition, summarise, type Condition } from '../controllers/conditions.ts';
import type { ControllerClient } from '../controllers/client.ts';
import type { Defects } from '../mutants/catalog.ts';
import { LABEL, REVISIONS } from './resources.ts';
import { revisionDeployment } from './revision-deployment.ts';
import type { KRevision } from './types.ts';

const FATAL_WAITING = new Set(['ErrImagePull', 'ImagePullBackOff', 'CrashLoopBackOff', 'CreateContainerConfigError', 'InvalidImageName']);

/** Revision -> Deployment; Ready once a pod of it is ready, False with the reason a container gives. */
export function revisionReconciler(client: ControllerClient, defects: Defects, listers: {
  revisions: Lister<KRevision>; deployments: Lister<V1Deployment>; pods: Lister<V1Pod>;
}) {
  return async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const rev = listers.revisions.get(name, namespace);
    if (!rev || rev.metadata?.deletionTimestamp) return;
    const existing = listers.deployments.get(`${name}-deployment`, namespace);
    // Scale belongs to the autoscaler once the Deployment exists; the reconciler sets only the initial scale.
    const replicas = existing?.spec?.replicas ?? 1;
    await client.apply(revisionDeployment(rev, replicas, defects));

    const pods = listers.pods.list(namespace).filter((p) => p.metadata?.labels?.[LABEL.revision] === name);
    let conditions: Condition[] = rev.status?.conditions ?? [];
    const failure = containerFailure(pods);
    if (failure) {
      conditions = setCondition(conditions, 'ContainerHealthy', 'False', failure.reason, failure.message);
      conditions = setCondition(conditions, 'ResourcesAvailable', 'False', failure.reason, failure.message);
    } else if ((existing?.status?.readyReplicas ?? 0) > 0) {
      conditions = setCondition(conditions, 'ContainerHealthy', 'True');
      conditions = setCondition(conditions, 'ResourcesAvailable', 'True');
    } else {
      conditions = setCondition(conditions, 'ContainerHealthy', 'Unknown', 'Deploying');
      conditions = setCondition(conditions, 'ResourcesAvailable', 'Unknown', 'Deploying');
    }
    conditions = summarise(conditions, 'Ready', ['ContainerHealthy', 'ResourcesAvailable']);
    if (defects.has('never-ready')) conditions = setCondition(conditions, 'Ready', 'Unknown', 'Deploying');
    const status = {
      ...rev.status,
      observedGeneration: rev.metadata?.generation,
      conditions,
      actualReplicas: existing?.status?.readyReplicas ?? 0,
      desiredReplicas: existing?.spec?.replicas ?? replicas,
      containerStatuses: (rev.spec?.containers ?? []).map((c) => ({ name: c.name ?? 'user-container', imageDigest: c.image })),
    };
    if (JSON.stringify(status) !== JSON.stringify(rev.status)) await client.updateStatus(REVISIONS, rev, status);
  };
}

/** The first fatal container state among a revision's pods, worded as Knative words it. */
function containerFailure(pods: V1Pod[]): { reason: string; message: string } | undefined {
  for (const pod of pods) {
    for (const cs of pod.status?.containerStatuses ?? []) {
      const waiting = cs.state?.waiting;
      if (waiting?.reason && FATAL_WAITING.has(waiting.reason)) {
        const last = cs.lastState?.terminated;
        if (waiting.reason === 'CrashLoopBackOff' && last) {
          return { reason: 'ExitCode', message: `Container failed with: ${last.message ?? last.reason ?? ''} (exit code ${last.exitCode})`.trim() };
        }
        return { reason: waiting.reason, message: waiting.message ?? waiting.reason };
      }
    }
  }
  return undefined;
}
