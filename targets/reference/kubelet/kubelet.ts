import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { describeError } from '../../../lib/errors.ts';
import { Controller, InformerSet, PODS, splitKey } from '../controller-runtime/controller.ts';
import { clientFor, isNotFound } from './api.ts';
import { startWarmRuntimes, type WarmRuntimes } from '../process/warm-runtime.ts';
import { HOST_ENV_PASSED } from './container-env.ts';
import { NODE_COMPILE_CACHE_DIR } from './container-runner.ts';
import { createEventRecorder } from './events.ts';
import { registerNode } from './node-registration.ts';
import type { PodNetwork } from './pod-network.ts';
import { podGraceMs, startPodRunner, type PodRunner } from './pod-runner.ts';
import { createStatusWriter } from './status-writer.ts';
import type { WorkloadImages } from './workloads.ts';

/**
 * The reference's process kubelet: runs the pods bound to its node as OS processes, each pod on its own
 * loopback address from the reference's pod network, and reports them through the API as a kubelet does.
 *
 * Controller style: an informer over the pods with `spec.nodeName=<node>` feeds a keyed work queue; each
 * sync compares the pod in the cache with the pod runner it has (none, the same, or one for an older pod
 * of the same name) and acts on the difference:
 * - new pod, not finished: allocate an IP, start a pod runner;
 * - pod being deleted, or gone, or replaced: terminate its runner (graceful, capped at 30 s) without
 *   blocking the queue; once done, release the IP and delete the object with grace period 0 as the node.
 */
export interface KubeletOptions {
  nodeKubeconfig: string;
  controllersKubeconfig: string;
  nodeName: string;
  network: PodNetwork;
  logDir: string;
  /** Which program runs for each container image (`loadWorkloadImages()`: fixtures/workloads/images.yaml). */
  images: WorkloadImages;
  log?: (message: string) => void;
  /** Wait this long before starting each pod's containers (the `slow-cold-start` mutant); default 0. */
  podStartDelayMs?: number;
  /** Given to mesh sidecar containers: where the mesh control plane writes their configuration, and the Envoy binary. */
  meshSidecarEnv?: Readonly<Record<string, string>>;
  /**
   * Node processes kept booted for the containers of Node programs (`../process/warm-runtime.ts`); default
   * `DEFAULT_WARM_RUNTIMES`, 0 turns warm runtimes off: every container's process is spawned.
   */
  warmRuntimes?: number;
  /** ES modules the warm runtimes import while they wait (`WarmRuntimeOptions.preload`). */
  warmPreload?: readonly string[];
}

/** Two: a revision pod starts two Node containers at once (the user container and the queue-proxy). */
export const DEFAULT_WARM_RUNTIMES = 2;
/**
 * Reference knob: a pod with this annotation set to `"false"` has its containers spawned even when the kubelet
 * keeps warm runtimes (the bench measures cold starts with and without them side by side, on one reference).
 */
export const WARM_RUNTIME_ANNOTATION = 'reference.gauntlet.dev/warm-runtime';

export interface Kubelet {
  /** Ends every pod process (quickly) and the watches; leaves the API objects as they are. */
  stop(): Promise<void>;
  /** Pids of the container processes running now, for tests and diagnostics. */
  pids(): number[];
}

/** The node's address, the pods' `hostIP`. */
export const NODE_ADDRESS = '127.0.0.1';
const SHUTDOWN_GRACE_MS = 500;

interface Running {
  uid: string;
  ip: string;
  ownsIp: boolean;
  runner: PodRunner;
  lastPod: V1Pod;
  termination?: Promise<void>;
  terminated: boolean;
}

export async function startKubelet(opts: KubeletOptions): Promise<Kubelet> {
  const log = opts.log ?? ((m: string) => console.error(`[kubelet] ${m}`));
  mkdirSync(join(opts.logDir, 'pods'), { recursive: true });
  const node = clientFor(opts.nodeKubeconfig);
  const controllers = clientFor(opts.controllersKubeconfig);
  const events = createEventRecorder(node, { component: 'kubelet', host: opts.nodeName }, log);
  const status = createStatusWriter(node, log);
  const registration = await registerNode({ node, controllers, nodeName: opts.nodeName, address: NODE_ADDRESS, events, log });
  const pods = new Map<string, Running>();
  const informers = new InformerSet(node.config, log);
  const informer = informers.get<V1Pod>(PODS, { fieldSelector: `spec.nodeName=${opts.nodeName}` });
  let stopping = false;

  let warm: WarmRuntimes | undefined;

  const start = (pod: V1Pod, key: string) => {
    const hostNetwork = pod.spec?.hostNetwork === true;
    const ip = hostNetwork ? NODE_ADDRESS : opts.network.allocate();
    const runner = startPodRunner({
      pod, podIP: ip, hostIP: NODE_ADDRESS, images: opts.images, logDir: opts.logDir, events, status,
      ...(opts.podStartDelayMs ? { startDelayMs: opts.podStartDelayMs } : {}),
      ...(opts.meshSidecarEnv ? { meshSidecarEnv: opts.meshSidecarEnv } : {}),
      ...(warm && pod.metadata?.annotations?.[WARM_RUNTIME_ANNOTATION] !== 'false' ? { startProcess: warm.start } : {}),
    });
    pods.set(key, { uid: pod.metadata?.uid ?? '', ip, ownsIp: !hostNetwork, runner, lastPod: pod, terminated: false });
  };

  const deleteObject = async (pod: V1Pod) => {
    const { name = '', namespace = 'default', uid } = pod.metadata ?? {};
    try {
      await node.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0, body: { gracePeriodSeconds: 0, preconditions: { uid } } });
    } catch (e) {
      if (!isNotFound(e) && (e as { code?: number }).code !== 409) throw new Error(`deleting pod ${namespace}/${name}: ${describeError(e)}`, { cause: e });
    }
  };

  const sync = async (key: string) => {
    if (stopping) return;
    const { namespace, name } = splitKey(key);
    const pod = informer.get(name, namespace);
    const running = pods.get(key);
    const sameUid = pod !== undefined && pod.metadata?.uid === running?.uid;
    if (running && (!sameUid || pod.metadata?.deletionTimestamp)) {
      if (!running.termination) {
        const graceMs = podGraceMs(sameUid && pod ? pod : running.lastPod);
        running.termination = running.runner.terminate(graceMs).finally(() => {
          running.terminated = true;
          controller.queue.add(key);
        });
      }
      if (!running.terminated) return;
      pods.delete(key);
      status.forget(running.runner.ref);
      if (running.ownsIp) opts.network.release(running.ip);
      if (sameUid) await deleteObject(pod);
      else if (pod) controller.queue.add(key); // a new pod of the same name is waiting
      return;
    }
    if (!pod) return;
    if (pod.metadata?.deletionTimestamp) {
      await deleteObject(pod); // never ran here: nothing to stop
      return;
    }
    if (!running) {
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') return; // finished before this kubelet: never rerun
      start(pod, key);
      return;
    }
    running.lastPod = pod;
    running.runner.update(pod);
  };

  const controller = new Controller('kubelet', sync, log, { concurrency: 16 });
  controller.watch(informer);
  try {
    await informers.start();
  } catch (e) {
    registration.stop();
    await controller.stop();
    throw e;
  }
  const warmSize = opts.warmRuntimes ?? DEFAULT_WARM_RUNTIMES;
  if (warmSize > 0) {
    // The environment a container gets from the host, and the compile cache the kubelet gives Node programs.
    const env = {
      ...Object.fromEntries(HOST_ENV_PASSED.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]]))),
      NODE_COMPILE_CACHE: NODE_COMPILE_CACHE_DIR,
    };
    warm = startWarmRuntimes({
      size: warmSize, env, logFile: join(opts.logDir, 'warm-runtimes.log'), log: (m) => log(`warm runtimes: ${m}`),
      ...(opts.warmPreload ? { preload: opts.warmPreload } : {}),
    });
  }
  controller.start();

  return {
    pids: () => [...pods.values()].flatMap((p) => p.runner.pids()),
    async stop() {
      stopping = true;
      registration.stop();
      await informers.stop();
      await controller.stop();
      status.close();
      await Promise.all([...pods.values()].map((p) => p.runner.shutdown(SHUTDOWN_GRACE_MS)));
      await warm?.stop();
      for (const p of pods.values()) if (p.ownsIp) opts.network.release(p.ip);
      pods.clear();
      await Promise.race([events.flush(), new Promise((r) => setTimeout(r, 2000).unref())]);
    },
  };
}
