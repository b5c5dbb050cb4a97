import type { V1Pod } from '@kubernetes/client-node';
import type { ContainerStatusJson } from './container-status.ts';

/**
 * A pod's status as a kubelet computes it (pkg/kubelet/kubelet_pods.go `getPhase` and
 * pkg/kubelet/status/generate.go), as the JSON of a merge patch of `pods/status`. Pure: times come in.
 */
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface ConditionJson {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime: string;
  lastProbeTime: null;
}

export interface PodStatusInput {
  pod: V1Pod;
  podIP: string;
  hostIP: string;
  startTime: string;
  initContainers: ContainerStatusJson[];
  containers: ContainerStatusJson[];
  /** The pod is being deleted: its containers will not restart, so a stopped pod is terminal. */
  terminating: boolean;
  /** `lastTransitionTime` of a condition: kept while its status stays, `now` when it changes. */
  clock: ConditionClock;
}

export interface ConditionClock {
  stamp(type: string, status: string): string;
}

/** Remembers when each condition last changed status; seeded from the pod's own conditions. */
export function createConditionClock(pod: V1Pod, now: () => string): ConditionClock {
  const seen = new Map<string, { status: string; time: string }>();
  for (const c of pod.status?.conditions ?? []) {
    if (c.lastTransitionTime) seen.set(c.type, { status: c.status, time: timeString(c.lastTransitionTime) });
  }
  return {
    stamp(type, status) {
      const prev = seen.get(type);
      if (prev?.status === status) return prev.time;
      const time = now();
      seen.set(type, { status, time });
      return time;
    },
  };
}

/** client-node deserializes listed objects' times into Dates, while watch events carry strings. */
export function timeString(t: Date | string): string {
  return typeof t === 'string' ? t : t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Native sidecars: init containers with `restartPolicy: Always`. */
function sidecarNames(pod: V1Pod): Set<string> {
  return new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
}

/** An init container is done once it exited 0; a sidecar once it has started. */
function initPending(pod: V1Pod, init: ContainerStatusJson[]): ContainerStatusJson[] {
  const sidecars = sidecarNames(pod);
  return init.filter((c) => (sidecars.has(c.name) ? !c.started : !('terminated' in c.state && c.state.terminated.exitCode === 0)));
}

export function podPhase(pod: V1Pod, init: ContainerStatusJson[], app: ContainerStatusJson[], terminating: boolean): PodPhase {
  const policy = terminating ? 'Never' : (pod.spec?.restartPolicy ?? 'Always');
  if (initPending(pod, init).length > 0) {
    const sidecars = sidecarNames(pod);
    const failedForGood = init.some((c) => !sidecars.has(c.name) && 'terminated' in c.state && c.state.terminated.exitCode !== 0);
    return failedForGood && policy === 'Never' ? 'Failed' : 'Pending';
  }
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of app) {
    const s = c.state;
    const exit = 'terminated' in s ? s.terminated.exitCode : 'waiting' in s ? c.lastState.terminated?.exitCode : undefined;
    if ('running' in s) running++;
    else if (exit === undefined) waiting++;
    else {
      stopped++;
      if (exit === 0) succeeded++;
    }
  }
  if (waiting > 0 && !terminating) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return terminating ? 'Failed' : 'Pending';
  if (policy === 'Always') return 'Running';
  if (policy === 'OnFailure') return succeeded === stopped ? 'Succeeded' : 'Running';
  return succeeded === stopped && waiting === 0 ? 'Succeeded' : 'Failed';
}

const OWN = new Set(['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready', 'PodScheduled']);

function readinessGateProblem(pod: V1Pod): string | undefined {
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = pod.status?.conditions?.find((x) => x.type === gate.conditionType);
    if (!c) return `corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`;
    if (c.status !== 'True') return `the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`;
  }
  return undefined;
}

const names = (cs: ContainerStatusJson[]) => `[${cs.map((c) => c.name).join(' ')}]`;

export function buildPodStatus(i: PodStatusInput): Record<string, unknown> {
  const phase = podPhase(i.pod, i.initContainers, i.containers, i.terminating);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const cond = (type: string, ok: boolean, reason?: string, message?: string): ConditionJson => {
    const status = ok ? 'True' : 'False';
    return { type, status, ...(ok || !reason ? {} : { reason }), ...(ok || !message ? {} : { message }), lastProbeTime: null, lastTransitionTime: i.clock.stamp(type, status) };
  };
  const uninitialized = initPending(i.pod, i.initContainers);
  const sidecars = sidecarNames(i.pod);
  const unready = [...i.initContainers.filter((c) => sidecars.has(c.name)), ...i.containers].filter((c) => !c.ready);
  const completed = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const gateProblem = readinessGateProblem(i.pod);
  const existing = i.pod.status?.conditions ?? [];
  const scheduled = existing.find((c) => c.type === 'PodScheduled');
  const conditions: (ConditionJson | Record<string, unknown>)[] = [
    cond('PodReadyToStartContainers', !terminal),
    cond('Initialized', uninitialized.length === 0, 'ContainersNotInitialized', `containers with incomplete status: ${names(uninitialized)}`),
    cond('Ready', !terminal && unready.length === 0 && gateProblem === undefined,
      unready.length > 0 || terminal ? completed : 'ReadinessGatesNotReady',
      unready.length > 0 ? `containers with unready status: ${names(unready)}` : gateProblem),
    cond('ContainersReady', !terminal && unready.length === 0, completed, `containers with unready status: ${names(unready)}`),
    scheduled
      ? { ...scheduled, lastProbeTime: null, lastTransitionTime: timeString(scheduled.lastTransitionTime ?? i.startTime) }
      : cond('PodScheduled', true),
    ...existing.filter((c) => !OWN.has(c.type)).map((c) => ({
      ...c,
      ...(c.lastTransitionTime ? { lastTransitionTime: timeString(c.lastTransitionTime) } : {}),
      ...(c.lastProbeTime ? { lastProbeTime: timeString(c.lastProbeTime) } : {}),
    })),
  ];
  return {
    ...(i.pod.metadata?.generation !== undefined ? { observedGeneration: i.pod.metadata.generation } : {}),
    phase,
    conditions,
    hostIP: i.hostIP,
    hostIPs: [{ ip: i.hostIP }],
    podIP: i.podIP,
    podIPs: [{ ip: i.podIP }],
    startTime: i.startTime,
    ...(i.initContainers.length > 0 ? { initContainerStatuses: i.initContainers } : {}),
    containerStatuses: i.containers,
  };
}
