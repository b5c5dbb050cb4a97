import type { V1Container } from '@kubernetes/client-node';
import type { EventSpec } from './events.ts';
import { startProber, waitForPorts, type Prober } from './probes.ts';

/**
 * The probes of one running container, in a kubelet's order: the startup probe first (the container is
 * `started` once it succeeds; failing it kills the container), then readiness (or, without a readiness
 * probe, the reference's port check) and liveness (failing it kills the container). Failed attempts
 * become `Unhealthy` Events, at most one per probe kind every 10 s (a kubelet posts each, and the event
 * correlator aggregates them).
 */
export interface ContainerProbesOptions {
  container: V1Container;
  podIP: string;
  periodMs: number | undefined;
  event: (e: Omit<EventSpec, 'fieldPath'>) => void;
  onStarted: () => void;
  onReady: (ready: boolean) => void;
  /** The container failed its liveness or startup probe; `why` completes "Container X ...". */
  onKill: (why: string) => void;
}

const UNHEALTHY_EVERY_MS = 10_000;

export function startContainerProbes(o: ContainerProbesOptions): Prober {
  const c = o.container;
  const running: Prober[] = [];
  let stopped = false;
  const lastUnhealthy = new Map<string, number>();
  const unhealthy = (kind: string) => (message: string) => {
    const last = lastUnhealthy.get(kind) ?? 0;
    if (Date.now() - last < UNHEALTHY_EVERY_MS) return;
    lastUnhealthy.set(kind, Date.now());
    o.event({ type: 'Warning', reason: 'Unhealthy', message: `${kind} probe failed: ${message}` });
  };

  const afterStart = () => {
    if (stopped) return;
    if (c.readinessProbe) {
      running.push(startProber({
        probe: c.readinessProbe, container: c, podIP: o.podIP, initial: false, periodMsOverride: o.periodMs,
        onChange: (ok) => o.onReady(ok), onFailure: unhealthy('Readiness'),
      }));
    } else {
      running.push(waitForPorts(c, o.podIP, () => o.onReady(true)));
    }
    if (c.livenessProbe) {
      running.push(startProber({
        probe: c.livenessProbe, container: c, podIP: o.podIP, initial: true, periodMsOverride: o.periodMs,
        onChange: (ok) => !ok && o.onKill('failed liveness probe'), onFailure: unhealthy('Liveness'),
      }));
    }
  };

  if (c.startupProbe) {
    running.push(startProber({
      probe: c.startupProbe, container: c, podIP: o.podIP, initial: false, periodMsOverride: o.periodMs, untilSuccess: true,
      onChange: (ok) => {
        if (!ok) return;
        o.onStarted();
        afterStart();
      },
      onFailure: (() => {
        const report = unhealthy('Startup');
        let failures = 0;
        const threshold = Math.max(1, c.startupProbe.failureThreshold ?? 3);
        return (message: string) => {
          report(message);
          if (++failures === threshold) o.onKill('failed startup probe');
        };
      })(),
    }));
  } else {
    afterStart();
  }
  return {
    stop() {
      stopped = true;
      for (const p of running) p.stop();
    },
  };
}
