import { describe, expect, it } from 'vitest';
import { REFERENCE_DEFAULTS } from './config.ts';
import { planKpa, type KpaInput } from './kpa-scale.ts';
import { resolveScaling } from './scaling.ts';

const T0 = 1_700_000_000_000;
const A = (k: string) => `autoscaling.knative.dev/${k}`;

function input(o: Partial<KpaInput> & { annotations?: Record<string, string>; unreachable?: boolean } = {}): KpaInput {
  const { annotations = {}, unreachable = false, ...rest } = o;
  return {
    nowMs: T0,
    scaling: resolveScaling({ annotations, containerConcurrency: 0, reachability: unreachable ? 'Unreachable' : 'Reachable' }, REFERENCE_DEFAULTS),
    decider: { desired: 1, excessBurstCapacity: 0 },
    active: { status: 'True', sinceMs: T0 - 60_000 },
    scaleTargetInitialized: true,
    hasServiceName: true,
    proxySinceMs: undefined,
    replicas: 1,
    readyPods: 1,
    ...rest,
  };
}

describe("planKpa (Knative's PodAutoscaler reconciler)", () => {
  it('applies the desired scale when it differs from the replicas', () => {
    expect(planKpa(input({ decider: { desired: 4, excessBurstCapacity: 0 } }))).toMatchObject({ want: 4, scaleTo: 4, mode: 'Serve' });
    expect(planKpa(input({ decider: { desired: 1, excessBurstCapacity: 0 } }))).toMatchObject({ want: 1, scaleTo: undefined });
  });

  it('initial scale is the first desired scale, before any metrics, until it has been reached', () => {
    const first = input({
      annotations: { [A('initial-scale')]: '3' }, decider: { desired: -1, excessBurstCapacity: 0 },
      active: { status: 'Unknown', sinceMs: T0 }, scaleTargetInitialized: false, readyPods: 0,
    });
    expect(planKpa(first)).toMatchObject({ want: 3, scaleTo: 3, scaleTargetInitialized: false, active: { status: 'Unknown', reason: 'Queued' } });
    expect(planKpa({ ...first, readyPods: 3, replicas: 3 })).toMatchObject({ want: 3, scaleTargetInitialized: true, active: { status: 'True' } });
    expect(planKpa({ ...first, decider: { desired: 1, excessBurstCapacity: 0 }, scaleTargetInitialized: true, readyPods: 3 }).want).toBe(1);
  });

  it('an unreachable revision ignores initial scale and min-scale', () => {
    const p = planKpa(input({
      unreachable: true, annotations: { [A('initial-scale')]: '3', [A('min-scale')]: '2' }, decider: { desired: 0, excessBurstCapacity: 0 },
      scaleTargetInitialized: false,
    }));
    expect(p.want).toBe(0);
  });

  it('min-scale is a floor and max-scale a ceiling; the mutant ignores max-scale', () => {
    const a = { [A('min-scale')]: '2', [A('max-scale')]: '3' };
    expect(planKpa(input({ annotations: a, decider: { desired: 0, excessBurstCapacity: 0 } })).want).toBe(2);
    expect(planKpa(input({ annotations: a, decider: { desired: 9, excessBurstCapacity: 0 } })).want).toBe(3);
    expect(planKpa(input({ annotations: a, decider: { desired: 9, excessBurstCapacity: 0 }, ignoresMaxScale: true })).want).toBe(9);
  });

  it('no decision yet and not activating: leaves the scale alone', () => {
    expect(planKpa(input({ decider: { desired: -1, excessBurstCapacity: 0 } }))).toMatchObject({ want: -1, scaleTo: undefined, mode: 'Proxy' });
  });

  describe('scale to zero', () => {
    const idle = { decider: { desired: 0, excessBurstCapacity: 0 } };

    it('active for less than a stable window: keeps one pod until then', () => {
      expect(planKpa(input({ ...idle, active: { status: 'True', sinceMs: T0 - 2000 }, replicas: 3 })))
        .toMatchObject({ want: 1, scaleTo: 1, requeueAfterMs: 4000 });
    });

    it('active for a stable window: goes inactive (NoTraffic), the activator into the path, pods kept', () => {
      expect(planKpa(input({ ...idle, active: { status: 'True', sinceMs: T0 - 6000 } }))).toMatchObject({
        want: 0, scaleTo: undefined, mode: 'Proxy', active: { status: 'False', reason: 'NoTraffic' },
      });
    });

    it('inactive: zero once the activator has been in the path for the grace period', () => {
      const inactive = (ms: number, proxyMs: number | undefined) =>
        planKpa(input({ ...idle, active: { status: 'False', sinceMs: T0 - ms }, proxySinceMs: proxyMs === undefined ? undefined : T0 - proxyMs }));
      expect(inactive(1000, undefined)).toMatchObject({ want: 0, scaleTo: undefined, requeueAfterMs: 1000 });
      expect(inactive(1000, 1000)).toMatchObject({ want: 0, scaleTo: undefined, requeueAfterMs: 1000 });
      expect(inactive(1999, 1999).scaleTo).toBeUndefined();
      expect(inactive(2000, 2000)).toMatchObject({ want: 0, scaleTo: 0 });
      // The activator was in the path long before: no grace period to wait (Knative's fast path).
      expect(inactive(0, 60_000)).toMatchObject({ want: 0, scaleTo: 0 });
    });

    it('the retention period keeps the last pod at least that long after going inactive', () => {
      const inactive = (ms: number, proxyMs: number) => planKpa(input({
        ...idle, annotations: { [A('scale-to-zero-pod-retention-period')]: '5s' },
        active: { status: 'False', sinceMs: T0 - ms }, proxySinceMs: T0 - proxyMs,
      }));
      expect(inactive(3000, 60_000)).toMatchObject({ scaleTo: undefined, requeueAfterMs: 2000 });
      expect(inactive(4999, 60_000).scaleTo).toBeUndefined();
      expect(inactive(5000, 5000).scaleTo).toBe(0);
    });

    it('with the activator always in the path (tbc -1) there is nothing to wait for but the grace period', () => {
      expect(planKpa(input({
        ...idle, annotations: { [A('target-burst-capacity')]: '-1' }, active: { status: 'False', sinceMs: T0 - 2000 },
      })).scaleTo).toBe(0);
    });

    it('never when scale to zero is disabled, or with the never-scales-to-zero mutant', () => {
      const i = input({ ...idle, active: { status: 'False', sinceMs: T0 - 60_000 }, proxySinceMs: T0 - 60_000, replicas: 2 });
      expect(planKpa({ ...i, scaling: { ...i.scaling, enableScaleToZero: false } })).toMatchObject({ want: 1, scaleTo: 1 });
      expect(planKpa({ ...i, neverScalesToZero: true })).toMatchObject({ want: 1, scaleTo: 1 });
    });

    it('activating: waits for pods until the progress deadline, then gives up (TimedOut)', () => {
      const activating = (ms: number) => planKpa(input({ ...idle, active: { status: 'Unknown', sinceMs: T0 - ms }, readyPods: 0 }));
      expect(activating(1000)).toMatchObject({ want: -1, scaleTo: undefined });
      expect(activating(630_001)).toMatchObject({ want: 0, scaleTo: 0, active: { status: 'False', reason: 'TimedOut' } });
    });
  });

  describe('ServerlessService mode and Active', () => {
    it('Serve only when pods are wanted and there is excess burst capacity', () => {
      expect(planKpa(input({ decider: { desired: 2, excessBurstCapacity: 5 } })).mode).toBe('Serve');
      expect(planKpa(input({ decider: { desired: 2, excessBurstCapacity: -1 } })).mode).toBe('Proxy');
    });

    it('a poke from zero: pods wanted, none ready yet: activating (Queued), the activator stays in the path', () => {
      const p = planKpa(input({
        decider: { desired: 1, excessBurstCapacity: -211 }, active: { status: 'False', sinceMs: T0 - 60_000 }, replicas: 0, readyPods: 0,
      }));
      expect(p).toMatchObject({ want: 1, scaleTo: 1, mode: 'Proxy', active: { status: 'Unknown', reason: 'Queued' } });
    });

    it('inactive with no decision stays inactive and proxied', () => {
      const p = planKpa(input({ decider: { desired: -1, excessBurstCapacity: 0 }, active: { status: 'False', sinceMs: T0 }, replicas: 0, readyPods: 0 }));
      expect(p).toMatchObject({ want: -1, mode: 'Proxy', active: { status: 'False', reason: 'NoTraffic' } });
    });
  });
});
