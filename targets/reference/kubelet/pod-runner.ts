import type { V1Pod } from '@kubernetes/client-node';
import { kubeTime } from './api.ts';
import { createContainerRunner, type ContainerKind, type ContainerRunner, type RestartPolicy } from './container-runner.ts';
import { containerFieldPath, type EventRecorder } from './events.ts';
import { buildPodStatus, createConditionClock, timeString } from './pod-status.ts';
import { PROBE_PERIOD_ANNOTATION } from './probes.ts';
import type { PodRef, StatusWriter } from './status-writer.ts';
import { podNetworkFor, type PodNetworking } from './pod-networking.ts';
import type { WorkloadImages } from './workloads.ts';
import type { ProcessStarter } from '../../../lib/process/spawn.ts';

/**
 * One pod on the node: its init containers one after the other (a native sidecar, `restartPolicy: Always`,
 * only until it has started, and then it keeps running), then its containers side by side, each through a
 * `ContainerRunner`; its status written after every change. It owns no address: the kubelet
 * allocates the pod IP and releases it once the pod runner has terminated.
 */
export interface PodRunnerOptions {
  pod: V1Pod;
  podIP: string;
  hostIP: string;
  images: WorkloadImages;
  logDir: string;
  events: EventRecorder;
  status: StatusWriter;
  /** Wait this long before starting the pod's containers (the `slow-cold-start` mutant). */
  startDelayMs?: number;
  /** The environment of a mesh sidecar container, beside what its pod spec gives it (where its configuration is). */
  meshSidecarEnv?: Readonly<Record<string, string>>;
  /** Starts the containers' processes; default `startProcess`. */
  startProcess?: ProcessStarter;
}

export interface PodRunner {
  readonly ref: PodRef;
  /** The latest pod object from the API (readiness gates, conditions of others). */
  update(pod: V1Pod): void;
  /** Graceful stop for a deleted pod: `Killing` Events, SIGTERM, SIGKILL after `graceMs`, final status. */
  terminate(graceMs: number): Promise<void>;
  /** Fast stop for the kubelet's own shutdown: no Events, no status. */
  shutdown(graceMs: number): Promise<void>;
  pids(): number[];
}

export const MAX_GRACE_SECONDS = 30;

/** The pod's termination grace period, capped at 30 s: the deletion's own, else the spec's, else 30 s. */
export function podGraceMs(pod: V1Pod): number {
  const seconds = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, Math.min(seconds, MAX_GRACE_SECONDS)) * 1000;
}

function probePeriodMs(pod: V1Pod): number | undefined {
  const raw = pod.metadata?.annotations?.[PROBE_PERIOD_ANNOTATION];
  const ms = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(ms) && ms >= 10 ? ms : undefined;
}

export function startPodRunner(o: PodRunnerOptions): PodRunner {
  const meta = o.pod.metadata ?? {};
  const ref: PodRef = { namespace: meta.namespace ?? 'default', name: meta.name ?? '', uid: meta.uid ?? '' };
  let latest = o.pod;
  let terminating = false;
  let silent = false;
  const clock = createConditionClock(o.pod, () => kubeTime());
  const startTime = o.pod.status?.startTime ? timeString(o.pod.status.startTime) : kubeTime();
  const restartPolicy = (o.pod.spec?.restartPolicy ?? 'Always') as RestartPolicy;
  const graceMs = podGraceMs(o.pod);

  const sync = () => {
    if (silent) return;
    o.status.write(ref, buildPodStatus({
      pod: latest, podIP: o.podIP, hostIP: o.hostIP, startTime, terminating, clock,
      initContainers: initRunners.map((r) => r.status()),
      containers: appRunners.map((r) => r.status()),
    }));
  };

  const networking: PodNetworking = podNetworkFor(o.pod, o.podIP, o.images, o.meshSidecarEnv ?? {});
  const runnerOf = (init: boolean) => (container: NonNullable<V1Pod['spec']>['containers'][number]): ContainerRunner => {
    const kind: ContainerKind = !init ? 'app' : container.restartPolicy === 'Always' ? 'sidecar' : 'init';
    const workload = o.images.find(container.image ?? '');
    if (workload && container.command?.length) {
      o.events.record({ kind: 'Pod', metadata: meta }, {
        type: 'Normal', reason: 'CommandIgnored', fieldPath: containerFieldPath(container.name, init),
        message: `The reference kubelet runs the image map's program for ${workload.image} (${o.images.file}); ` +
          `command ${JSON.stringify(container.command)} is ignored, args are appended`,
      });
    }
    return createContainerRunner({
      pod: o.pod, container, kind, podHasInitContainers: (o.pod.spec?.initContainers ?? []).length > 0, restartPolicy, workload, imagesFile: o.images.file, podIP: o.podIP, hostIP: o.hostIP,
      logDir: o.logDir, graceMs, ...(networking.meshed ? { network: networking.of(container) } : {}), probePeriodMs: probePeriodMs(o.pod), events: o.events, onChange: sync,
      ...(o.startProcess ? { startProcess: o.startProcess } : {}),
    });
  };
  const initRunners = (o.pod.spec?.initContainers ?? []).map(runnerOf(true));
  const appRunners = (o.pod.spec?.containers ?? []).map(runnerOf(false));
  const all = [...initRunners, ...appRunners];

  const run = async () => {
    if (o.startDelayMs) await new Promise((resolve) => setTimeout(resolve, o.startDelayMs));
    for (const r of initRunners) {
      if (terminating) return;
      r.start();
      if (!(await (r.kind === 'sidecar' ? r.startedOnce : r.completed))) return;
    }
    if (terminating) return;
    for (const r of appRunners) r.start();
  };
  sync();
  void run();

  return {
    ref,
    update(pod) {
      latest = pod;
      sync();
    },
    async terminate(ms) {
      terminating = true;
      await Promise.all(all.map((r) => r.stop(ms, true)));
      sync();
      await o.status.flush(ref);
    },
    async shutdown(ms) {
      silent = true;
      terminating = true;
      await Promise.all(all.map((r) => r.stop(ms, false)));
    },
    pids: () => all.flatMap((r) => (r.pid === undefined ? [] : [r.pid])),
  };
}
