import { appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { startProcess, type ManagedProcess, type ProcessStarter } from '../../../lib/process/spawn.ts';
import { cacheRoot } from '../../../lib/tools/cache.ts';
import { kubeTime } from './api.ts';
import { buildContainerEnv, containerArgv } from './container-env.ts';
import { exitCodeOf, type ContainerStateJson, type ContainerStatusJson, type TerminatedJson } from './container-status.ts';
import { containerFieldPath, type EventRecorder, type EventSpec } from './events.ts';
import { parseImageReference, displayImage } from './image-reference.ts';
import { startContainerProbes } from './container-probes.ts';
import type { Prober } from './probes.ts';
import type { Workload } from './workloads.ts';

/**
 * One container of a pod, run as one OS process (in its own process group, through `startProcess`):
 * start, restart per `restartPolicy` with exponential back-off, probes, stop. It reports its status as
 * `containerStatuses[]` would show it and calls `onChange` whenever that status may have changed.
 *
 * Back-off (compressed from a kubelet's 0, 10 s, 20 s, ... 300 s, reset after 10 min of running): the
 * first restart is immediate, then 1 s, 2 s, 4 s, ... up to 30 s, reset after 60 s of running.
 */
export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

/**
 * `init`: an init container, run to completion before the containers; `sidecar`: an init container with
 * `restartPolicy: Always` (a native sidecar), started before the next init container and then running
 * like a container; `app`: one of `spec.containers`.
 */
export type ContainerKind = 'init' | 'sidecar' | 'app';

export interface ContainerRunnerOptions {
  pod: V1Pod;
  container: V1Container;
  kind: ContainerKind;
  /** App containers of such a pod wait with reason `PodInitializing` rather than `ContainerCreating`. */
  podHasInitContainers: boolean;
  restartPolicy: RestartPolicy;
  /** The image map's program for the image, or undefined when the image is not in the map. */
  workload: Workload | undefined;
  imagesFile: string;
  podIP: string;
  hostIP: string;
  /** Where the program listens and is probed, when not the pod IP; and what the pod's network adds to its env. */
  network?: { bindIP: string; env: Readonly<Record<string, string>> };
  logDir: string;
  /** SIGKILL after this long when a probe kills the container. */
  graceMs: number;
  probePeriodMs: number | undefined;
  events: EventRecorder;
  onChange: () => void;
  /** Starts the process; default `startProcess`. */
  startProcess?: ProcessStarter;
}

export interface ContainerRunner {
  readonly name: string;
  readonly pid: number | undefined;
  status(): ContainerStatusJson;
  readonly kind: ContainerKind;
  /** Init containers: true once exited 0; false once failed for good or stopped. */
  readonly completed: Promise<boolean>;
  /** Resolves true the first time the container counts as started (sidecars), false if stopped before. */
  readonly startedOnce: Promise<boolean>;
  start(): void;
  /** Ends the process (SIGTERM to its group, SIGKILL after `graceMs`) and every restart; resolves once exited. */
  stop(graceMs: number, announce: boolean): Promise<void>;
}

export const BACKOFF = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

/** Where Node programs of the image map keep Node's compile cache: the per-user cache, shared by every reference. */
export const NODE_COMPILE_CACHE_DIR = join(cacheRoot(), 'node-compile-cache');

/**
 * A Node program of the image map (`{node}`) runs with Node's compile cache (`NODE_COMPILE_CACHE`, unless its
 * `env` names one): the stand-in for an image that ships its code compiled. Without it every container start
 * strips its TypeScript again, which loads the TypeScript stripper: ~40 ms of CPU per process.
 */
export function withCompileCache(program: string, env: Record<string, string>): Record<string, string> {
  if (program !== process.execPath || env.NODE_COMPILE_CACHE !== undefined) return env;
  return { ...env, NODE_COMPILE_CACHE: NODE_COMPILE_CACHE_DIR };
}

export function createContainerRunner(o: ContainerRunnerOptions): ContainerRunner {
  const { pod, container } = o;
  const meta = pod.metadata ?? {};
  const podRef = `${meta.name}_${meta.namespace}(${meta.uid})`;
  const init = o.kind === 'init';
  const fieldPath = containerFieldPath(container.name, o.kind !== 'app');
  const ref = parseImageReference(container.image ?? '');
  const image = ref ? displayImage(ref) : (container.image ?? '');
  const logFile = join(o.logDir, 'pods', `${meta.namespace}_${meta.name}_${container.name}.log`);
  const event = (e: Omit<EventSpec, 'fieldPath'>) => o.events.record({ kind: 'Pod', metadata: meta }, { ...e, fieldPath });

  let state: ContainerStateJson = { waiting: { reason: o.kind !== 'app' || o.podHasInitContainers ? 'PodInitializing' : 'ContainerCreating' } };
  let lastState: { terminated?: TerminatedJson } = {};
  let restartCount = 0;
  let ready = false;
  let started = false;
  let proc: ManagedProcess | undefined;
  let exitHandled: Promise<void> = Promise.resolve();
  let stopping = false;
  let delayMs: number | undefined;
  let backoffTimer: NodeJS.Timeout | undefined;
  let probes: Prober | undefined;
  let resolveCompleted!: (ok: boolean) => void;
  const completed = new Promise<boolean>((r) => (resolveCompleted = r));
  let resolveStarted!: (ok: boolean) => void;
  const startedOnce = new Promise<boolean>((r) => (resolveStarted = r));
  const policy: RestartPolicy = o.kind === 'sidecar' ? 'Always' : o.restartPolicy;

  const changed = () => {
    if (started) resolveStarted(true);
    o.onChange();
  };

  const kill = async (why: string) => {
    event({ type: 'Normal', reason: 'Killing', message: `Container ${container.name} ${why}, will be restarted` });
    await proc?.stop(o.graceMs);
  };

  const onExit = (p: ManagedProcess, code: number | string, startedAt: string) => {
    probes?.stop();
    ready = false;
    started = false;
    const { exitCode, signal } = exitCodeOf(code);
    const terminated: TerminatedJson = {
      exitCode, ...(signal !== undefined ? { signal } : {}), reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt, finishedAt: kubeTime(), containerID: `gauntlet://${p.pid}`,
    };
    const restart = !stopping && (init || policy === 'OnFailure' ? exitCode !== 0 && policy !== 'Never' : policy === 'Always');
    if (!restart) {
      state = { terminated };
      if (init) ready = exitCode === 0 && !stopping;
      changed();
      resolveCompleted(init && exitCode === 0 && !stopping);
      return;
    }
    const ranMs = Date.parse(terminated.finishedAt) - Date.parse(startedAt);
    if (ranMs > BACKOFF.resetAfterMs) delayMs = undefined;
    delayMs = delayMs === undefined ? 0 : Math.min(BACKOFF.maxMs, Math.max(BACKOFF.initialMs, delayMs * 2));
    lastState = { terminated };
    if (delayMs > 0) {
      state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${delayMs / 1000}s restarting failed container=${container.name} pod=${podRef}` } };
      event({ type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${container.name} in pod ${podRef}` });
      changed();
    }
    backoffTimer = setTimeout(() => {
      if (stopping) return;
      restartCount++;
      launch();
    }, delayMs);
  };

  const launch = () => {
    const workload = o.workload!;
    const env = buildContainerEnv({
      pod, container, podIP: o.podIP, hostIP: o.hostIP, bindAddressEnv: workload.bindAddressEnv,
      ...(o.network ? { bindIP: o.network.bindIP, networkEnv: o.network.env } : {}),
    });
    if (!env.ok) {
      state = { waiting: { reason: 'CreateContainerConfigError', message: env.message } };
      event({ type: 'Warning', reason: 'Failed', message: `Error: ${env.message}` });
      changed();
      return;
    }
    const [program, ...args] = containerArgv(workload.command, container, env.env) as [string, ...string[]];
    const startedAt = kubeTime();
    let p: ManagedProcess;
    try {
      appendFileSync(logFile, `--- ${startedAt} gauntlet kubelet: starting ${JSON.stringify([program, ...args])}\n`);
      p = (o.startProcess ?? startProcess)(`${meta.namespace}/${meta.name}/${container.name}`, program, {
        args, env: withCompileCache(program, env.env), cwd: dirname(o.imagesFile), logFile, parentDeathSignal: 'KILL',
      });
    } catch (e) {
      const message = `could not start ${program}: ${(e as Error).message}`;
      state = { waiting: { reason: 'RunContainerError', message } };
      event({ type: 'Warning', reason: 'Failed', message: `Error: ${message}` });
      changed();
      return;
    }
    proc = p;
    state = { running: { startedAt } };
    exitHandled = p.exited.then((code) => onExit(p, code, startedAt));
    event({ type: 'Normal', reason: 'Pulled', message: `Container image "${container.image}" already present on machine` });
    event({ type: 'Normal', reason: 'Created', message: `Created container: ${container.name}` });
    event({ type: 'Normal', reason: 'Started', message: `Started container ${container.name}` });
    if (init) {
      changed();
      return;
    }
    started = !container.startupProbe;
    probes = startContainerProbes({
      container, podIP: o.network?.bindIP ?? o.podIP, periodMs: o.probePeriodMs, event,
      onStarted: () => {
        started = true;
        changed();
      },
      onReady: (r) => {
        ready = r;
        changed();
      },
      onKill: (why) => void kill(why),
    });
    changed();
  };

  return {
    name: container.name,
    kind: o.kind,
    startedOnce,
    get pid() {
      return proc?.pid;
    },
    completed,
    status: () => ({
      name: container.name, image, imageID: o.workload && proc ? o.workload.imageID : '',
      ...(proc ? { containerID: `gauntlet://${proc.pid}` } : {}),
      ready, started, restartCount, state, lastState,
    }),
    start() {
      if (o.workload) return launch();
      const message = `image "${container.image}" is not in the reference's image map ${o.imagesFile}: add an entry that maps its repository to a local program`;
      state = { waiting: { reason: 'ErrImagePull', message } };
      event({ type: 'Warning', reason: 'Failed', message: `Failed to pull image "${container.image}": ${message}` });
      changed();
    },
    async stop(graceMs, announce) {
      stopping = true;
      clearTimeout(backoffTimer);
      probes?.stop();
      ready = false;
      resolveCompleted(false);
      resolveStarted(false);
      if (proc && 'running' in state) {
        if (announce) event({ type: 'Normal', reason: 'Killing', message: `Stopping container ${container.name}` });
        await proc.stop(graceMs);
        await exitHandled;
      }
    },
  };
}
