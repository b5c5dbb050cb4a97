import type { V1Pod } from '@kubernetes/client-node';
import { describeError } from '../../../lib/errors.ts';
import { Controller, InformerSet, PODS, splitKey } from '../controller-runtime/controller.ts';
import { clientFor, isConflict, isNotFound } from './api.ts';
import { createEventRecorder } from './events.ts';

/**
 * The reference's scheduler: one node, so scheduling is binding. It watches the pods that no node has
 * (`spec.nodeName=`, not finished), and binds each one whose `schedulerName` is `default-scheduler` to the
 * node through the `pods/binding` subresource, posting a `Scheduled` Event, as kube-scheduler does. The
 * API server sets the `PodScheduled` condition on binding. Node fit (resources, taints, affinity) is not
 * checked.
 */
export interface SchedulerOptions {
  /** A kubeconfig whose identity may bind pods (the reference's controllers). */
  controllersKubeconfig: string;
  nodeName: string;
  log?: (message: string) => void;
}

export interface Scheduler {
  stop(): Promise<void>;
}

const SCHEDULER_NAME = 'default-scheduler';
const UNSCHEDULED = 'spec.nodeName=,status.phase!=Succeeded,status.phase!=Failed';

export async function startScheduler(opts: SchedulerOptions): Promise<Scheduler> {
  const log = opts.log ?? ((m: string) => console.error(`[scheduler] ${m}`));
  const client = clientFor(opts.controllersKubeconfig);
  const events = createEventRecorder(client, { component: SCHEDULER_NAME, host: '' }, log);

  const bind = async (pod: V1Pod) => {
    const { name, namespace, uid } = pod.metadata ?? {};
    if (!name || !namespace) return;
    try {
      await client.core.createNamespacedPodBinding({
        name,
        namespace,
        body: { metadata: { name, namespace, uid }, target: { apiVersion: 'v1', kind: 'Node', name: opts.nodeName } },
      });
    } catch (e) {
      if (isNotFound(e) || isConflict(e)) return; // deleted, or bound by someone else meanwhile
      throw new Error(`binding pod ${namespace}/${name} to ${opts.nodeName}: ${describeError(e)}`, { cause: e });
    }
    events.record({ kind: 'Pod', metadata: pod.metadata }, {
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${namespace}/${name} to ${opts.nodeName}`,
    });
  };

  const informers = new InformerSet(client.config, log);
  const pods = informers.get<V1Pod>(PODS, { fieldSelector: UNSCHEDULED });
  const controller = new Controller('scheduler', async (key) => {
    const { namespace, name } = splitKey(key);
    const pod = pods.get(name, namespace);
    if (!pod || pod.spec?.nodeName || pod.metadata?.deletionTimestamp) return;
    if ((pod.spec?.schedulerName ?? SCHEDULER_NAME) !== SCHEDULER_NAME) return;
    await bind(pod);
  }, log);
  controller.watch(pods);
  try {
    await informers.start();
  } catch (e) {
    await controller.stop();
    throw e;
  }
  controller.start();
  return {
    async stop() {
      await informers.stop();
      await controller.stop();
      await events.flush();
    },
  };
}
