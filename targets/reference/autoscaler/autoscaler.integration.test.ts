/**
 * The autoscaler against a real kube-apiserver and kube-controller-manager (deployment and replicaset
 * controllers). No kubelet: pods are marked Ready by the test (as a kubelet would), and the queue-proxies'
 * metrics are fed through the injectable scraper. Bounds come from the autoscaler's own configuration.
 * Nothing here is judged by how long it took (a busy machine only makes it slower): each wait is for an
 * outcome, bounded by WAIT_MS only so that a broken autoscaler fails the test instead of hanging it; order is
 * judged by the autoscaler's own ticks and timestamps. How fast it scales is the benchmarks' business.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions, Watch, type CoreV1Event, type V1Deployment, type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../../lib/errors.ts';
import { requireBinaries } from '../../../lib/tools/resolve.ts';
import { startControlPlane, type ControlPlane } from '../controlplane/controlplane.ts';
import { InformerSet } from '../controller-runtime/controller.ts';
import { conditionOf } from '../controller-runtime/conditions.ts';
import { installCrds } from '../crds/install.ts';
import { KNATIVE_INTERNAL_CRDS } from '../crds/knative-internal.ts';
import { ActiveMutants } from '../mutants/active.ts';
import { DEPLOYMENTS } from '../serving/resources.ts';
import { CONFIG_AUTOSCALER, parseAutoscalerConfig } from './config.ts';
import { startAutoscaler, type Autoscaler } from './controller.ts';
import type { RevisionScraper } from './scrape.ts';
import type { PodAutoscaler, ServerlessService } from './types.ts';
import { eventually } from '../../../lib/testing/eventually.ts';

const WAIT_MS = 30_000;
const dir = mkdtempSync(join(tmpdir(), 'gauntlet-autoscaler-'));
const ns = `autoscaler-${Date.now().toString(36)}`;
const REV = 'hello-00001';
const DEPLOYMENT = `${REV}-deployment`;
const A = (k: string) => `autoscaling.knative.dev/${k}`;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const logs: string[] = [];

let cp: ControlPlane | undefined;
let informers: InformerSet | undefined;
let autoscaler: Autoscaler | undefined;
let stopKubelet: (() => void) | undefined;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
let custom: CustomObjectsApi;

/** Total concurrency the revision's queue-proxies report; the last time a scrape reported some. */
const traffic = { total: 0, lastNonzeroAtMs: 0 };
/** Scrapes of the revision so far: one per autoscaler tick while it has ready pods. */
let scrapes = 0;
const scrape: RevisionScraper = (revision, pods) => {
  if (revision.name !== REV || pods.length === 0) return Promise.resolve(undefined);
  scrapes++;
  if (traffic.total > 0) traffic.lastNonzeroAtMs = Date.now();
  return Promise.resolve({ concurrency: traffic.total, proxiedConcurrency: 0, rps: traffic.total, proxiedRps: 0 });
};
/** Every spec.replicas the Deployment had, as the informer saw them. */
const replicasSeen: { atMs: number; replicas: number }[] = [];

const until = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = WAIT_MS): Promise<T> =>
  eventually(what, probe, { timeoutMs, context: () => `log tail:\n${logs.slice(-15).join('\n')}` });
/** Waits for `n` more autoscaler ticks (scrapes of the revision), however long they take. */
const ticks = async (n: number) => {
  const target = scrapes + n;
  await until(`${n} more ticks`, () => (scrapes >= target ? true : undefined));
};

const getPa = async () => (await custom.getNamespacedCustomObject({
  group: 'autoscaling.internal.knative.dev', version: 'v1alpha1', namespace: ns, plural: 'podautoscalers', name: REV,
})) as PodAutoscaler;
const getSks = async () => (await custom.getNamespacedCustomObject({
  group: 'networking.internal.knative.dev', version: 'v1alpha1', namespace: ns, plural: 'serverlessservices', name: REV,
})) as ServerlessService;
const replicas = async () => (await apps.readNamespacedDeployment({ name: DEPLOYMENT, namespace: ns })).spec?.replicas;
const readyPods = async () => (await core.listNamespacedPod({ namespace: ns })).items
  .filter((p) => !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
/** Events are posted a moment after they are recorded (EVENT_POST_DELAY_MS): read them with `until`. */
const events = async (reason?: string) => (await core.listNamespacedEvent({ namespace: ns, fieldSelector: `involvedObject.name=${REV}` })).items
  .filter((e: CoreV1Event) => !reason || e.reason === reason);
const field = (message: string | undefined, key: string) => new RegExp(`\\b${key}=(\\S+)`).exec(message ?? '')?.[1];
const patchConfig = (data: Record<string, string>) =>
  core.patchNamespacedConfigMap({ name: CONFIG_AUTOSCALER.name, namespace: CONFIG_AUTOSCALER.namespace, body: { data } }, mergePatch);

/** A stand-in kubelet: marks every pod of the namespace Running and Ready with a loopback address. */
function markPodsReady(): () => void {
  let abort: AbortController | undefined;
  let stopped = false;
  let n = 1;
  const seen = new Set<string>();
  void new Watch(kc).watch(`/api/v1/namespaces/${ns}/pods`, {}, (type: string, pod: V1Pod) => {
    const name = pod.metadata?.name ?? '';
    if (type === 'DELETED' || pod.metadata?.deletionTimestamp || seen.has(name)) return;
    seen.add(name);
    const ip = `127.0.${Math.floor(n / 250) + 10}.${(n++ % 250) + 1}`;
    const now = new Date().toISOString();
    void core.patchNamespacedPodStatus({
      name, namespace: ns,
      body: { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: now }, { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
      ] } },
    }, mergePatch).catch((e: unknown) => logs.push(`fake kubelet: ${describeError(e)}`));
  }, (err: unknown) => {
    if (!stopped && err) logs.push(`fake kubelet watch ended: ${describeError(err)}`);
  }).then((a) => (abort = a));
  return () => {
    stopped = true;
    abort?.abort();
  };
}

beforeAll(async () => {
  const binaries = await requireBinaries(['etcd', 'kube-apiserver', 'kube-controller-manager']);
  cp = await startControlPlane({
    stateDir: join(dir, 'state'), logDir: dir, progress: () => undefined,
    binaries: { etcd: binaries.etcd!, 'kube-apiserver': binaries['kube-apiserver']!, 'kube-controller-manager': binaries['kube-controller-manager']! },
  });
  await installCrds(cp.kubeconfigs.controllers, { crds: KNATIVE_INTERNAL_CRDS });
  kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigs.admin);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
  for (const name of [CONFIG_AUTOSCALER.namespace, ns]) await core.createNamespace({ body: { metadata: { name } } });
  await until('the default ServiceAccount', async () => (await core.listNamespacedServiceAccount({ namespace: ns })).items.find((s) => s.metadata?.name === 'default'));
  stopKubelet = markPodsReady();

  const controllers = new KubeConfig();
  controllers.loadFromFile(cp.kubeconfigs.controllers);
  const log = (line: string) => logs.push(line);
  informers = new InformerSet(controllers, log);
  const deployments = informers.get<V1Deployment>(DEPLOYMENTS);
  const record = (d: V1Deployment) => {
    if (d.metadata?.namespace === ns && d.metadata.name === DEPLOYMENT) replicasSeen.push({ atMs: Date.now(), replicas: d.spec?.replicas ?? 1 });
  };
  deployments.on('add', record);
  deployments.on('update', record);
  autoscaler = await startAutoscaler({ kubeconfig: controllers, informers, mutants: new ActiveMutants([]), log, scrape });
}, 120_000);

afterAll(async () => {
  try {
    stopKubelet?.();
    await autoscaler?.stop();
    await informers?.stop();
    await cp?.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

describe('KPA autoscaler with a real control plane', () => {
  it('creates config-autoscaler with the compressed defaults', async () => {
    const cm = await core.readNamespacedConfigMap({ name: CONFIG_AUTOSCALER.name, namespace: CONFIG_AUTOSCALER.namespace });
    expect(cm.data).toMatchObject({ 'stable-window': '6s', 'scale-to-zero-grace-period': '2s' });
    expect(autoscaler!.config().stableWindowMs).toBe(6000);
  });

  it('applies the initial scale, then marks the PA initialized, Active and Ready, the SKS serving', async () => {
    traffic.total = 14; // target 10 x 70% = 7 per pod: 2 pods
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: DEPLOYMENT, labels: { 'serving.knative.dev/revision': REV } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { 'serving.knative.dev/revision': REV } },
          template: {
            metadata: { labels: { 'serving.knative.dev/revision': REV } },
            spec: { containers: [{ name: 'user-container', image: 'gauntlet/none:0' }] },
          },
        },
      },
    });
    await custom.createNamespacedCustomObject({
      group: 'autoscaling.internal.knative.dev', version: 'v1alpha1', namespace: ns, plural: 'podautoscalers',
      body: {
        apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler',
        metadata: {
          name: REV, namespace: ns,
          labels: { 'serving.knative.dev/revision': REV, 'serving.knative.dev/configuration': 'hello', 'serving.knative.dev/service': 'hello' },
          annotations: {
            [A('initial-scale')]: '2', [A('max-scale')]: '5', [A('target')]: '10',
            [A('target-burst-capacity')]: '0', [A('scale-to-zero-pod-retention-period')]: '3s',
          },
        },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: DEPLOYMENT },
          containerConcurrency: 0, protocolType: 'http1', reachability: 'Reachable',
        },
      },
    });
    await until('the initial scale of 2', async () => ((await replicas()) === 2 ? true : undefined));
    const pa = await until('the PA Ready', async () => {
      const p = await getPa();
      return conditionOf(p.status?.conditions, 'Ready')?.status === 'True' ? p : undefined;
    });
    expect(pa.status).toMatchObject({ desiredScale: 2, actualScale: 2, serviceName: REV, metricsServiceName: `${REV}-private` });
    for (const t of ['Active', 'ScaleTargetInitialized', 'SKSReady']) expect(conditionOf(pa.status?.conditions, t)?.status).toBe('True');
    // Until the first metrics, the activator stays in the path (Proxy); then Serve (target-burst-capacity 0).
    const sks = await until('the SKS in Serve mode', async () => {
      const s = await getSks();
      return s.spec?.mode === 'Serve' ? s : undefined;
    });
    expect(sks.spec).toEqual({
      mode: 'Serve', numActivators: 1, objectRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: DEPLOYMENT }, protocolType: 'http1',
    });
    expect(sks.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'PodAutoscaler', name: REV, controller: true });
    expect(conditionOf(sks.status?.conditions, 'Ready')?.status).toBe('True');
    const up = await until('a ScaleUp to 2', async () => (await events('ScaleUp')).find((e) => field(e.message, 'desired') === '2'));
    expect(up.message).toMatch(/^Scaling from 1 to 2 pods: /);
  });

  it('a config-autoscaler patch changes the target live', async () => {
    await patchConfig({ 'container-concurrency-target-percentage': '35' }); // 14 / (10 x 35%) = 4 pods
    await until('the new config', () => (autoscaler!.config().containerConcurrencyTargetFraction === 0.35 ? true : undefined));
    await until('4 replicas', async () => ((await replicas()) === 4 ? true : undefined));
    const e = await until('a ScaleUp to 4', async () => (await events('ScaleUp')).find((x) => field(x.message, 'desired') === '4'));
    expect(field(e.message, 'target')).toBe('3.500');
    expect(field(e.message, 'stable')).toBeDefined();
    expect((await getPa()).status?.desiredScale).toBe(4);
  });

  it('rises under load up to max-scale, never past it, and panics', async () => {
    traffic.total = 100; // 100 / 3.5 = 29 pods wanted
    await until('5 replicas', async () => ((await replicas()) === 5 ? true : undefined));
    await ticks(3); // three more decisions with 29 pods wanted
    expect(Math.max(...replicasSeen.map((s) => s.replicas))).toBe(5);
    expect(await replicas()).toBe(5);
    expect((await getPa()).status?.desiredScale).toBe(5);
    // Steady: nothing is rewritten while nothing changes.
    const [paRv, sksRv] = [(await getPa()).metadata?.resourceVersion, (await getSks()).metadata?.resourceVersion];
    await ticks(2);
    expect([(await getPa()).metadata?.resourceVersion, (await getSks()).metadata?.resourceVersion]).toEqual([paRv, sksRv]);
    const panic = await until('a PanicStarted Event', async () => {
      const list = await events('PanicStarted');
      return list.length > 0 ? list : undefined;
    });
    expect(field(panic.at(-1)?.message, 'panicking')).toBe('true');
  });

  it('scales to zero a stable window after the traffic stops plus max(grace, retention), not before; the SKS goes to Proxy', async () => {
    await until('5 ready pods', async () => ((await readyPods()) === 5 ? true : undefined));
    traffic.total = 0;
    const stoppedAtMs = Date.now();
    const cfg = parseAutoscalerConfig((await core.readNamespacedConfigMap({ name: CONFIG_AUTOSCALER.name, namespace: CONFIG_AUTOSCALER.namespace })).data).config!;
    const retentionMs = 3000;
    const wait = Math.max(cfg.scaleToZeroGracePeriodMs, retentionMs);
    // The last second with traffic must leave the stable window before the PA goes inactive; then the wait.
    const lastBucket = () => Math.floor(traffic.lastNonzeroAtMs / 1000) * 1000;
    const serveUntilInactive = await getSks();
    expect(serveUntilInactive.spec?.mode).toBe('Serve');
    await until('0 replicas', async () => ((await replicas()) === 0 ? true : undefined), cfg.stableWindowMs + wait + WAIT_MS);
    // The watch that records replicas may deliver the change a little after the read above saw it.
    const zeroSeenAt = (await until('the watch to see 0 replicas', () => replicasSeen.find((s) => s.replicas === 0 && s.atMs > traffic.lastNonzeroAtMs))).atMs;
    const zero = await until('a ScaledToZero Event', async () => (await events('ScaledToZero')).at(-1));
    const decidedAt = Date.parse(field(zero.message, 'at') ?? '');
    expect(decidedAt).toBeGreaterThanOrEqual(lastBucket() + cfg.stableWindowMs + wait);
    expect(zeroSeenAt).toBeGreaterThanOrEqual(decidedAt);
    // Down only, from 5 to 0 (panic holds the scale for a stable window, then it halves per tick: 5 -> 2 -> 1 -> 0).
    // That zero comes at the end of the grace and retention periods, not later, planKpa's tests judge on a fake clock.
    const after = replicasSeen.filter((s) => s.atMs >= stoppedAtMs).map((s) => s.replicas);
    expect(after).toEqual([...after].sort((a, b) => b - a));
    expect(after.at(-1)).toBe(0);

    const pa = await until('the PA at zero', async () => {
      const p = await getPa();
      return p.status?.actualScale === 0 ? p : undefined;
    });
    expect(pa.status?.desiredScale).toBe(0);
    expect(conditionOf(pa.status?.conditions, 'Active')).toMatchObject({ status: 'False', reason: 'NoTraffic' });
    expect(conditionOf(pa.status?.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'NoTraffic' });
    const sks = await getSks();
    expect(sks.spec?.mode).toBe('Proxy');
    expect(conditionOf(sks.status?.conditions, 'ActivatorEndpointsPopulated')?.status).toBe('True');
    // The PA went inactive (SKS to Proxy) no later than `wait` before zero.
    const proxySince = Date.parse(conditionOf(sks.status?.conditions, 'ActivatorEndpointsPopulated')?.lastTransitionTime ?? '');
    expect(decidedAt - proxySince).toBeGreaterThanOrEqual(wait - 50);
    // The decision to go to zero (desired 0) came before zero was applied.
    const down = await until('a ScaleDown to 0', async () => (await events('ScaleDown')).find((e) => field(e.message, 'desired') === '0'));
    expect(Date.parse(field(down.message, 'at') ?? '')).toBeLessThanOrEqual(decidedAt);
  }, 180_000);

  it('a poke from the activator scales from zero at once, with no tick to wait for; the PA is Active again once a pod is ready', async () => {
    // An autoscaler whose next tick is an hour away: whatever scales the revision from zero now is the poke.
    await autoscaler!.stop();
    autoscaler = undefined;
    const controllers = new KubeConfig();
    controllers.loadFromFile(cp!.kubeconfigs.controllers);
    const ticksBefore = scrapes;
    autoscaler = await startAutoscaler({
      kubeconfig: controllers, informers: informers!, mutants: new ActiveMutants([]), log: (line) => logs.push(line), scrape, tickMs: 3_600_000,
    });
    expect(await replicas()).toBe(0);
    autoscaler.report({ namespace: ns, revision: REV, concurrency: 1, requests: 1 });
    autoscaler.poke(ns, REV);
    await until('1 replica', async () => ((await replicas()) === 1 ? true : undefined));
    const pa = await until('the PA Active again', async () => {
      const p = await getPa();
      return conditionOf(p.status?.conditions, 'Active')?.status === 'True' ? p : undefined;
    });
    expect(pa.status?.desiredScale).toBe(1);
    expect(scrapes).toBe(ticksBefore); // no tick came
  });
});
