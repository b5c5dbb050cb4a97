import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, Watch, type CoreV1Event, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBinaries } from '../../../lib/tools/resolve.ts';
import { NODE_NAME, startControlPlane, type ControlPlane } from '../controlplane/controlplane.ts';
import { describeError } from '../../../lib/errors.ts';
import { startKubelet, type Kubelet } from './kubelet.ts';
import { reservePodNetwork, type PodNetwork } from './pod-network.ts';
import { PROBE_PERIOD_ANNOTATION } from './probes.ts';
import { startScheduler, type Scheduler } from './scheduler.ts';
import { loadWorkloadImages } from './workloads.ts';

const WAIT_MS = 30_000;
const dir = mkdtempSync(join(tmpdir(), 'gauntlet-kubelet-'));
const ns = `kubelet-${Date.now().toString(36)}`;
const recordedPids = new Set<number>();
const logs: string[] = [];
let cp: ControlPlane | undefined;
let network: PodNetwork | undefined;
let scheduler: Scheduler | undefined;
let kubelet: Kubelet | undefined;
let kc: KubeConfig;
let core: CoreV1Api;

const record = () => kubelet?.pids().forEach((p) => recordedPids.add(p));

async function stopAll() {
  record();
  await kubelet?.stop();
  kubelet = undefined;
  await scheduler?.stop();
  scheduler = undefined;
  network?.close();
  network = undefined;
  await cp?.stop();
  cp = undefined;
}

/**
 * Watches a collection (a watch without a resourceVersion starts with the current objects) until `until`
 * returns a value for the objects seen; bounded by WAIT_MS.
 */
async function watchUntil<T extends { metadata?: { name?: string } }, R>(
  what: string, path: string, query: Record<string, string>, until: (objects: Map<string, T>, event: { type: string; obj: T }) => R | undefined,
): Promise<R> {
  const objects = new Map<string, T>();
  let abort: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<R>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS / 1000} s waiting for ${what}; saw ${JSON.stringify([...objects.values()]).slice(0, 3000)}`)), WAIT_MS);
      const check = (type: string, obj: T) => {
        const r = until(objects, { type, obj });
        if (r !== undefined) resolve(r);
      };
      void new Watch(kc)
        .watch(path, query, (type: string, obj: T) => {
          if (type === 'DELETED') objects.delete(obj.metadata?.name ?? '');
          else if (type === 'ADDED' || type === 'MODIFIED') objects.set(obj.metadata?.name ?? '', obj);
          check(type, obj);
        }, (err: unknown) => err && reject(err instanceof Error ? err : new Error(describeError(err))))
        .then((a) => (abort = a), reject);
    });
  } finally {
    clearTimeout(timer);
    abort?.abort();
  }
}

const isReady = (p: V1Pod) => !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
const podsPath = `/api/v1/namespaces/${ns}/pods`;
const readyPods = (selector: string, n: number, exclude: string[] = []) =>
  watchUntil<V1Pod, V1Pod[]>(`${n} ready pods (${selector})`, podsPath, { labelSelector: selector }, (pods) => {
    const ready = [...pods.values()].filter((p) => isReady(p) && !exclude.includes(p.metadata!.name!));
    return ready.length >= n ? ready : undefined;
  });

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}

beforeAll(async () => {
  const binaries = await requireBinaries(['etcd', 'kube-apiserver', 'kube-controller-manager']);
  cp = await startControlPlane({
    stateDir: join(dir, 'state'), logDir: dir, progress: () => undefined,
    binaries: { etcd: binaries.etcd!, 'kube-apiserver': binaries['kube-apiserver']!, 'kube-controller-manager': binaries['kube-controller-manager']! },
  });
  network = reservePodNetwork(); // the machine-wide lock dir: other references may be running
  const log = (m: string) => logs.push(m);
  scheduler = await startScheduler({ controllersKubeconfig: cp.kubeconfigs.controllers, nodeName: NODE_NAME, log });
  kubelet = await startKubelet({
    nodeKubeconfig: cp.kubeconfigs.node, controllersKubeconfig: cp.kubeconfigs.controllers, nodeName: NODE_NAME,
    network, logDir: dir, images: loadWorkloadImages(), log,
  });
  kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigs.admin);
  core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: ns } } });
  await watchUntil(`the default ServiceAccount of ${ns}`, `/api/v1/namespaces/${ns}/serviceaccounts`, {}, (sas) => sas.get('default'));
}, 90_000);

afterAll(async () => {
  try {
    await stopAll();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

describe('process kubelet with a real control plane', () => {
  let first: V1Pod[] = [];

  it('registers a Ready node', async () => {
    const node = await core.readNode({ name: NODE_NAME });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.status?.addresses).toContainEqual({ type: 'InternalIP', address: '127.0.0.1' });
    expect(node.spec?.taints ?? []).toEqual([]);
  });

  it('runs a Deployment of gauntlet/probe: pods become Ready on distinct 127.A.x.y addresses', async () => {
    await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'probe' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'probe' } },
          template: {
            metadata: { labels: { app: 'probe' }, annotations: { [PROBE_PERIOD_ANNOTATION]: '100' } },
            spec: {
              containers: [{
                name: 'probe', image: 'gauntlet/probe:0.1.0', ports: [{ name: 'http', containerPort: 8080 }],
                env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'K_REVISION', value: 'probe-00001' }],
                readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 },
              }],
            },
          },
        },
      },
    });
    first = await readyPods('app=probe', 2);
    record();
    const ips = first.map((p) => p.status?.podIP ?? '');
    const prefix = network!.prefix.replace('.', '\\.');
    for (const ip of ips) expect(ip).toMatch(new RegExp(`^${prefix}\\.\\d+\\.\\d+$`));
    expect(new Set(ips).size).toBe(2);
    for (const p of first) {
      expect(p.spec?.nodeName).toBe(NODE_NAME);
      expect(p.status).toMatchObject({ phase: 'Running', hostIP: '127.0.0.1', containerStatuses: [{ name: 'probe', ready: true, started: true, restartCount: 0 }] });
    }
  }, 40_000);

  it('runs them on its warm runtimes: the pool the kubelet booted before any pod', () => {
    const pool = readFileSync(join(dir, 'warm-runtimes.log'), 'utf8');
    for (const p of first) {
      const pid = p.status?.containerStatuses?.[0]?.containerID?.replace('gauntlet://', '');
      expect(pool).toContain(`${ns}/${p.metadata?.name}/probe: runs on warm runtime ${pid}\n`);
    }
  });

  it('answers HTTP on podIP:8080 with the probe JSON naming the pod', async () => {
    for (const p of first) {
      const res = await fetch(`http://${p.status?.podIP}:8080/hello`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-gauntlet-revision')).toBe('probe-00001');
      const body = (await res.json()) as { pod: string; podIp: string; revision: string };
      expect(body).toMatchObject({ pod: p.metadata?.name, podIp: p.status?.podIP, revision: 'probe-00001' });
    }
  });

  it('posts Scheduled and Started Events', async () => {
    const name = first[0]!.metadata!.name!;
    const reasons = await watchUntil<CoreV1Event, Set<string>>(`events of ${name}`, `/api/v1/namespaces/${ns}/events`, {}, (events) => {
      const r = new Set([...events.values()].filter((e) => e.involvedObject.name === name).map((e) => e.reason ?? ''));
      return r.has('Scheduled') && r.has('Started') ? r : undefined;
    });
    expect(reasons).toContain('Pulled');
  });

  it('ends a deleted pod\'s process, deletes the object, and the replacement becomes Ready', async () => {
    const victim = first[0]!;
    const url = `http://${victim.status?.podIP}:8080/`;
    const pidsBefore = kubelet!.pids();
    const victimName = victim.metadata!.name!;
    await core.deleteNamespacedPod({ name: victimName, namespace: ns });
    // Polled, not watched: the kubelet may stop the pod and delete the object before a watch is established.
    const deadline = Date.now() + WAIT_MS;
    while (await core.readNamespacedPod({ name: victimName, namespace: ns }).then(() => true, (e: unknown) => (e as { code?: number }).code !== 404)) {
      if (Date.now() > deadline) throw new Error(`${victimName} was not deleted within ${WAIT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await refused(url)).toBe(true);
    const gone = pidsBefore.filter((p) => !kubelet!.pids().includes(p));
    expect(gone).toHaveLength(1);
    expect(() => process.kill(gone[0]!, 0)).toThrow();
    await watchUntil<CoreV1Event, true>(`the Killing event of ${victimName}`, `/api/v1/namespaces/${ns}/events`, {}, (events) =>
      [...events.values()].some((e) => e.involvedObject.name === victimName && e.reason === 'Killing' && e.message === 'Stopping container probe') ? true : undefined);
    const now = await readyPods('app=probe', 2, [victimName]);
    record();
    expect(now.map((p) => p.metadata?.name)).not.toContain(victimName);
    const replacement = now.find((p) => p.metadata?.name !== first[1]!.metadata?.name)!;
    const body = (await (await fetch(`http://${replacement.status?.podIP}:8080/`)).json()) as { pod: string };
    expect(body.pod).toBe(replacement.metadata?.name);
  }, 40_000);

  it('reports ErrImagePull for an image not in the image map', async () => {
    await core.createNamespacedPod({ namespace: ns, body: { metadata: { name: 'missing' }, spec: { containers: [{ name: 'c', image: 'nope/missing' }] } } });
    const pod = await watchUntil<V1Pod, V1Pod>('ErrImagePull', podsPath, { fieldSelector: 'metadata.name=missing' }, (pods) => {
      const p = pods.get('missing');
      return p?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull' ? p : undefined;
    });
    expect(pod.status?.phase).toBe('Pending');
    const message = pod.status?.containerStatuses?.[0]?.state?.waiting?.message ?? '';
    expect(message).toContain('nope/missing');
    expect(message).toContain(loadWorkloadImages().file);
    await watchUntil<CoreV1Event, true>('the Failed event', `/api/v1/namespaces/${ns}/events`, {}, (events) =>
      [...events.values()].some((e) => e.involvedObject.name === 'missing' && e.reason === 'Failed' && e.type === 'Warning') ? true : undefined);
  }, 40_000);

  it('restarts a crashing container with back-off', async () => {
    await core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name: 'crash' }, spec: { containers: [{ name: 'c', image: 'gauntlet/probe', env: [{ name: 'PORT', value: 'not-a-port' }] }] } },
    });
    const status = await watchUntil<V1Pod, NonNullable<V1Pod['status']>>('CrashLoopBackOff', podsPath, { fieldSelector: 'metadata.name=crash' }, (pods) => {
      const s = pods.get('crash')?.status;
      const c = s?.containerStatuses?.[0];
      return c && c.restartCount >= 2 && c.state?.waiting?.reason === 'CrashLoopBackOff' ? s : undefined;
    });
    record();
    expect(status.phase).toBe('Running');
    expect(status.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
  }, 40_000);

  it('runs init containers to completion, then native sidecars and containers side by side', async () => {
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'staged' },
        spec: {
          initContainers: [
            { name: 'setup', image: 'gauntlet/probe', env: [{ name: 'PORT', value: '9000' }, { name: 'PROBE_EXIT_AFTER_MS', value: '50' }] },
            { name: 'sidecar', image: 'gauntlet/probe', restartPolicy: 'Always', env: [{ name: 'PORT', value: '9090' }], ports: [{ containerPort: 9090 }] },
          ],
          containers: [{ name: 'app', image: 'gauntlet/probe', ports: [{ containerPort: 8080 }] }],
        },
      },
    });
    const pod = await watchUntil<V1Pod, V1Pod>('pod staged Ready', podsPath, { fieldSelector: 'metadata.name=staged' }, (pods) => {
      const p = pods.get('staged');
      return p && isReady(p) ? p : undefined;
    });
    record();
    expect(pod.status?.initContainerStatuses).toMatchObject([
      { name: 'setup', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      { name: 'sidecar', ready: true, started: true, state: { running: {} } },
    ]);
    for (const port of [9090, 8080]) expect((await fetch(`http://${pod.status?.podIP}:${port}/`)).status).toBe(200);
  }, 40_000);

  it('leaves no process behind once stopped', async () => {
    expect(recordedPids.size).toBeGreaterThanOrEqual(4);
    await stopAll();
    for (const pid of recordedPids) expect(() => process.kill(pid, 0), `pid ${pid}`).toThrow();
    const children = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        return readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1] === String(process.pid);
      } catch {
        return false;
      }
    });
    expect(children).toEqual([]);
    expect(logs.filter((l) => !/could not post Event|watch of/.test(l))).toEqual([]);
  }, 40_000);
});
