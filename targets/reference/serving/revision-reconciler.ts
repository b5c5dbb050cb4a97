import type { V1Deployment, V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import type { Lister } from '../controller-runtime/informer.ts';
import { splitKey } from '../controller-runtime/controller.ts';
import { conditionOf, setCondition, summarise, type Condition } from '../controller-runtime/conditions.ts';
import type { ControllerClient } from '../controller-runtime/client.ts';
import type { ActiveMutants } from '../mutants/active.ts';
import { LABEL, REVISIONS } from './resources.ts';
import { revisionDeployment } from './revision-deployment.ts';
import { podAutoscaler, reachability } from './revision-autoscaler.ts';
import type { KConfiguration, KRevision, KRoute } from './types.ts';
import { semanticEqual } from '../controller-runtime/equality.ts';

const FATAL_WAITING = new Set(['ErrImagePull', 'ImagePullBackOff', 'CrashLoopBackOff', 'CreateContainerConfigError', 'InvalidImageName']);
/** Pods of the reference probe readiness this often (a reference kubelet knob; the API allows only whole seconds). */
const PROBE_PERIOD = { 'reference.gauntlet.dev/probe-period-ms': '100' };

export interface PodAutoscalerView {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: V1OwnerReference[] };
  spec?: unknown;
  status?: { conditions?: Condition[]; desiredScale?: number; actualScale?: number };
}

/**
 * Whether the PodAutoscaler must be applied: it does not exist, or differs from what the revision wants in its
 * spec, owner, or one of the labels and annotations it gives it. Applying an unchanged object is not free: a
 * server-side apply costs the API server as much as a write, and a revision is reconciled on every change of
 * its pods, Deployment and PA (five times in a cold start), as Knative's reconciler also compares first.
 */
export function podAutoscalerNeedsApply(current: PodAutoscalerView | undefined, want: ReturnType<typeof podAutoscaler>): boolean {
  if (!current) return true;
  const has = (have: Record<string, string> | undefined, wanted: Record<string, string> | undefined) =>
    Object.entries(wanted ?? {}).every(([k, v]) => have?.[k] === v);
  return !semanticEqual(current.spec, want.spec)
    || !semanticEqual(current.metadata?.ownerReferences, want.metadata?.ownerReferences)
    || !has(current.metadata?.labels, want.metadata?.labels)
    || !has(current.metadata?.annotations, want.metadata?.annotations);
}

/**
 * Revision -> Deployment (created once: its scale belongs to the autoscaler, its template never changes, as a
 * Revision is immutable) and PodAutoscaler; status from both, as Knative's: ResourcesAvailable once the
 * initial scale was reached, ContainerHealthy unless a container fails, Active as the autoscaler says.
 */
export function revisionReconciler(client: ControllerClient, mutants: ActiveMutants, initialScale: (rev: KRevision) => number, listers: {
  revisions: Lister<KRevision>; deployments: Lister<V1Deployment>; pods: Lister<V1Pod>;
  podAutoscalers: Lister<PodAutoscalerView>; routes: Lister<KRoute>; configurations: Lister<KConfiguration>;
}) {
  return async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const rev = listers.revisions.get(name, namespace);
    if (!rev || rev.metadata?.deletionTimestamp) return;
    if (!listers.deployments.get(`${name}-deployment`, namespace)) {
      const deployment = revisionDeployment(rev, initialScale(rev), mutants);
      const template = deployment.spec!.template;
      template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, ...PROBE_PERIOD } };
      await client.createIfMissing(deployment);
    }
    const config = listers.configurations.get(rev.metadata?.labels?.[LABEL.configuration] ?? '', namespace);
    const wantPa = podAutoscaler(rev, reachability(rev, listers.routes.list(namespace), config));
    if (podAutoscalerNeedsApply(listers.podAutoscalers.get(name, namespace), wantPa)) await client.apply(wantPa);

    const pa = listers.podAutoscalers.get(name, namespace);
    const pods = listers.pods.list(namespace).filter((p) => p.metadata?.labels?.[LABEL.revision] === name);
    let conditions: Condition[] = rev.status?.conditions ?? [];
    const failure = mutants.has('hides-container-failure') ? undefined : containerFailure(pods);
    const initialized = conditionOf(pa?.status?.conditions, 'ScaleTargetInitialized')?.status === 'True';
    if (failure && mutants.has('misreports-container-failure')) {
      // The defect: the container's exit is not read; the revision fails as if it had only been slow to scale.
      conditions = setCondition(conditions, 'ContainerHealthy', 'Unknown', 'Deploying');
      conditions = setCondition(conditions, 'ResourcesAvailable', 'False', 'ProgressDeadlineExceeded', 'Initial scale was never achieved');
    } else if (failure) {
      conditions = setCondition(conditions, 'ContainerHealthy', 'False', failure.reason, failure.message);
      if (!initialized) conditions = setCondition(conditions, 'ResourcesAvailable', 'False', failure.reason, failure.message);
    } else {
      conditions = setCondition(conditions, 'ContainerHealthy', initialized ? 'True' : 'Unknown', initialized ? undefined : 'Deploying');
      conditions = setCondition(conditions, 'ResourcesAvailable', initialized ? 'True' : 'Unknown', initialized ? undefined : 'Deploying');
    }
    const active = conditionOf(pa?.status?.conditions, 'Active');
    conditions = setCondition(conditions, 'Active', active?.status ?? 'Unknown', active?.reason ?? 'Deploying', active?.message);
    conditions = summarise(conditions, 'Ready', ['ContainerHealthy', 'ResourcesAvailable']);
    if (mutants.has('never-ready')) conditions = setCondition(conditions, 'Ready', 'Unknown', 'Deploying');
    const status = {
      ...rev.status,
      observedGeneration: rev.metadata?.generation,
      conditions,
      actualReplicas: pa?.status?.actualScale ?? 0,
      // The autoscaler says -1 until it has metrics.
      desiredReplicas: (pa?.status?.desiredScale ?? -1) >= 0 ? pa!.status!.desiredScale : initialScale(rev),
      containerStatuses: (rev.spec?.containers ?? []).map((c) => ({ name: c.name ?? 'user-container', imageDigest: c.image })),
    };
    if (!semanticEqual(status, rev.status)) await client.updateStatus(REVISIONS, rev, status);
  };
}


/**
 * The first fatal container state among a revision's pods, worded as Knative words it (knative.dev/serving
 * pkg/reconciler/revision/reconcile_resources.go): a container that exited is `ExitCode<code>`, "Container
 * failed with: <its termination message>"; a container that cannot start, the kubelet's waiting reason.
 */
function containerFailure(pods: V1Pod[]): { reason: string; message: string } | undefined {
  for (const pod of pods) {
    for (const cs of pod.status?.containerStatuses ?? []) {
      const waiting = cs.state?.waiting;
      if (waiting?.reason && FATAL_WAITING.has(waiting.reason)) {
        const last = cs.lastState?.terminated;
        if (waiting.reason === 'CrashLoopBackOff' && last) {
          return { reason: `ExitCode${last.exitCode}`, message: `Container failed with: ${last.message ?? last.reason ?? ''} (exit code ${last.exitCode})`.trim() };
        }
        return { reason: waiting.reason, message: waiting.message ?? waiting.reason };
      }
    }
  }
  return undefined;
}
