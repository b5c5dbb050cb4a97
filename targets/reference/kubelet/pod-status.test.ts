import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { ContainerStateJson, ContainerStatusJson } from './container-status.ts';
import { buildPodStatus, createConditionClock, podPhase, timeString } from './pod-status.ts';

const T0 = '2030-01-01T00:00:00Z';
const pod = (over: Partial<NonNullable<V1Pod['spec']>> = {}, status?: V1Pod['status']): V1Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u', generation: 1 },
  spec: { containers: [{ name: 'a' }], ...over },
  status,
});
const c = (name: string, state: ContainerStateJson, extra: Partial<ContainerStatusJson> = {}): ContainerStatusJson => ({
  name, image: 'img', imageID: '', ready: false, started: false, restartCount: 0, state, lastState: {}, ...extra,
});
const running = (name = 'a', ready = true) => c(name, { running: { startedAt: T0 } }, { ready, started: true });
const exited = (name: string, exitCode: number) => c(name, { terminated: { exitCode, reason: exitCode ? 'Error' : 'Completed', finishedAt: T0 } });
const waiting = (name = 'a', reason = 'ContainerCreating') => c(name, { waiting: { reason } });
const backingOff = (name: string, exitCode: number) =>
  c(name, { waiting: { reason: 'CrashLoopBackOff' } }, { lastState: { terminated: { exitCode, reason: 'Error', finishedAt: T0 } } });

describe('pod phase', () => {
  it.each([
    ['Always', [waiting()], 'Pending'],
    ['Always', [running()], 'Running'],
    ['Always', [running(), waiting('b', 'ErrImagePull')], 'Pending'],
    ['Always', [backingOff('a', 1)], 'Running'],
    ['Always', [exited('a', 0)], 'Running'],
    ['OnFailure', [exited('a', 0)], 'Succeeded'],
    ['OnFailure', [backingOff('a', 1)], 'Running'],
    ['Never', [exited('a', 0)], 'Succeeded'],
    ['Never', [exited('a', 0), exited('b', 2)], 'Failed'],
    ['Never', [exited('a', 0), running('b')], 'Running'],
  ] as const)('restartPolicy %s with %j is %s', (restartPolicy, app, phase) => {
    expect(podPhase(pod({ restartPolicy }), [], [...app], false)).toBe(phase);
  });

  it('is Pending while init containers run, Failed when one fails for good', () => {
    expect(podPhase(pod(), [running('i')], [waiting('a', 'PodInitializing')], false)).toBe('Pending');
    expect(podPhase(pod(), [backingOff('i', 1)], [waiting('a', 'PodInitializing')], false)).toBe('Pending');
    expect(podPhase(pod({ restartPolicy: 'Never' }), [exited('i', 1)], [waiting('a', 'PodInitializing')], false)).toBe('Failed');
    expect(podPhase(pod(), [exited('i', 0)], [running()], false)).toBe('Running');
  });

  it('treats a native sidecar as initialized once started, and counts its readiness', () => {
    const p = pod({ initContainers: [{ name: 's', restartPolicy: 'Always' }] });
    expect(podPhase(p, [waiting('s', 'PodInitializing')], [waiting('a', 'PodInitializing')], false)).toBe('Pending');
    expect(podPhase(p, [running('s', false)], [running('a')], false)).toBe('Running');
    const clock = createConditionClock(p, () => T0);
    const status = buildPodStatus({ pod: p, podIP: 'x', hostIP: 'y', startTime: T0, initContainers: [running('s', false)], containers: [running('a')], terminating: false, clock });
    const conditions = status.conditions as { type: string; status: string; message?: string }[];
    expect(conditions.find((c) => c.type === 'Initialized')?.status).toBe('True');
    expect(conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', message: 'containers with unready status: [s]' });
  });

  it('makes a deleted pod terminal once its containers stopped', () => {
    expect(podPhase(pod(), [], [exited('a', 0)], true)).toBe('Succeeded');
    expect(podPhase(pod(), [], [exited('a', 143)], true)).toBe('Failed');
    expect(podPhase(pod(), [], [waiting('a', 'ErrImagePull')], true)).toBe('Failed');
  });
});

describe('pod status', () => {
  const build = (p: V1Pod, containers: ContainerStatusJson[], times: string[] = [T0]) => {
    const clock = createConditionClock(p, () => times.shift() ?? 'later');
    return { clock, status: buildPodStatus({ pod: p, podIP: '127.16.1.1', hostIP: '127.0.0.1', startTime: T0, initContainers: [], containers, terminating: false, clock }) };
  };
  const condition = (status: Record<string, unknown>, type: string) =>
    (status.conditions as { type: string; status: string; reason?: string; message?: string; lastTransitionTime: string }[]).find((x) => x.type === type);

  it('reports addresses, start time, generation and container statuses', () => {
    const { status } = build(pod(), [running()]);
    expect(status).toMatchObject({
      phase: 'Running', podIP: '127.16.1.1', podIPs: [{ ip: '127.16.1.1' }], hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }],
      startTime: T0, observedGeneration: 1, containerStatuses: [{ name: 'a', ready: true }],
    });
    expect(status).not.toHaveProperty('initContainerStatuses');
    for (const type of ['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready', 'PodScheduled']) {
      expect(condition(status, type)).toMatchObject({ status: 'True' });
      expect(condition(status, type)).not.toHaveProperty('reason');
    }
  });

  it('names unready containers', () => {
    const { status } = build(pod({ containers: [{ name: 'a' }, { name: 'b' }] }), [running('a', false), running('b', false)]);
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [a b]' });
    expect(condition(status, 'ContainersReady')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
  });

  it('keeps PodScheduled and conditions of others, and honours readiness gates', () => {
    const p = pod({ readinessGates: [{ conditionType: 'example.com/lb' }] }, {
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: new Date('2029-12-31T23:00:00.000Z') },
        { type: 'example.com/lb', status: 'False', lastTransitionTime: '2029-12-31T23:30:00Z' as unknown as Date },
      ],
    });
    const { status } = build(p, [running()]);
    expect(condition(status, 'PodScheduled')?.lastTransitionTime).toBe('2029-12-31T23:00:00Z');
    expect(condition(status, 'example.com/lb')).toMatchObject({ status: 'False', lastTransitionTime: '2029-12-31T23:30:00Z' });
    expect(condition(status, 'ContainersReady')).toMatchObject({ status: 'True' });
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'ReadinessGatesNotReady' });
  });

  it('moves lastTransitionTime only when a condition changes status', () => {
    const p = pod();
    const clock = createConditionClock(p, (() => { const ts = ['t1', 't2', 't3', 't4', 't5', 't6']; return () => ts.shift()!; })());
    const at = (ready: boolean) =>
      condition(buildPodStatus({ pod: p, podIP: 'x', hostIP: 'y', startTime: T0, initContainers: [], containers: [running('a', ready)], terminating: false, clock }), 'Ready')
        ?.lastTransitionTime;
    const first = at(false);
    expect(at(false)).toBe(first);
    const second = at(true);
    expect(second).not.toBe(first);
    expect(at(true)).toBe(second);
  });

  it('seeds the clock from the pod so that a restarted kubelet keeps transition times', () => {
    const clock = createConditionClock(pod({}, { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(T0) }] }), () => 'now');
    expect(clock.stamp('Ready', 'True')).toBe(T0);
    expect(clock.stamp('Ready', 'False')).toBe('now');
  });

  it('formats Dates as Kubernetes times', () => {
    expect(timeString(new Date('2030-01-01T00:00:00.123Z'))).toBe(T0);
    expect(timeString(T0)).toBe(T0);
  });
});
