/**
 * The mesh control plane against a real kube-apiserver (and kube-controller-manager, for the namespaces'
 * default ServiceAccounts). No kubelet and no Envoy: the test gives a pod its IP and phase as a kubelet would,
 * and reads the files the control plane writes for the pod's sidecar.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBinaries } from '../../../lib/tools/resolve.ts';
import { startControlPlane, type ControlPlane } from '../controlplane/controlplane.ts';
import { InformerSet } from '../controller-runtime/controller.ts';
import { installCrds } from '../crds/install.ts';
import { ISTIO_CRDS } from '../crds/istio.ts';
import { ActiveMutants } from '../mutants/active.ts';
import { startMeshControlPlane, type MeshControlPlane } from './controller.ts';
import { proxyFiles } from './layout.ts';
import { eventually } from '../../../lib/testing/eventually.ts';

const WAIT_MS = 30_000;
const dir = mkdtempSync(join(tmpdir(), 'gauntlet-mesh-controller-'));
const meshDir = join(dir, 'mesh');
const ns = 'demo';
const POD = 'app';
const POD_IP = '127.0.10.1';
const files = proxyFiles(meshDir, ns, POD);
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const logs: string[] = [];

let cp: ControlPlane | undefined;
let informers: InformerSet | undefined;
let mesh: MeshControlPlane | undefined;
let core: CoreV1Api;
let custom: CustomObjectsApi;

const until = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = WAIT_MS): Promise<T> =>
  eventually(what, probe, { timeoutMs, context: () => `log tail:\n${logs.slice(-15).join('\n')}` });

const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
/** The filter chains of the app port's inbound listener (`<podIP>_<port>`), from the sidecar's LDS file. */
const inboundChains = (): string[] => {
  const lds = JSON.parse(read(files.lds) ?? '{"resources":[]}') as { resources: { name: string; filter_chains?: { name?: string }[] }[] };
  return lds.resources.filter((l) => l.name === `${POD_IP}_8080`).flatMap((l) => (l.filter_chains ?? []).map((c) => c.name ?? ''));
};

beforeAll(async () => {
  const binaries = await requireBinaries(['etcd', 'kube-apiserver', 'kube-controller-manager']);
  cp = await startControlPlane({
    stateDir: join(dir, 'state'), logDir: dir, progress: () => undefined,
    binaries: { etcd: binaries.etcd!, 'kube-apiserver': binaries['kube-apiserver']!, 'kube-controller-manager': binaries['kube-controller-manager']! },
  });
  await installCrds(cp.kubeconfigs.controllers, { crds: ISTIO_CRDS });
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigs.admin);
  core = kc.makeApiClient(CoreV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
  for (const name of ['istio-system', ns]) await core.createNamespace({ body: { metadata: { name } } });
  await until('the default ServiceAccount', async () => (await core.listNamespacedServiceAccount({ namespace: ns })).items.find((s) => s.metadata?.name === 'default'));

  const controllers = new KubeConfig();
  controllers.loadFromFile(cp.kubeconfigs.controllers);
  const log = (line: string) => logs.push(line);
  informers = new InformerSet(controllers, log);
  mesh = await startMeshControlPlane({ kubeconfig: controllers, informers, meshDir, mutants: new ActiveMutants([]), log });
  await informers.start();
}, 120_000);

afterAll(async () => {
  try {
    await mesh?.stop();
    await informers?.stop();
    await cp?.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

describe('the mesh control plane, level-triggered on the API', () => {
  it('writes a meshed pod\'s sidecar configuration and certificate, the bootstrap last, once the pod has an IP', async () => {
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: POD, labels: { app: POD, 'security.istio.io/tlsMode': 'istio' } },
        spec: { containers: [
          { name: 'app', image: 'gauntlet/probe', ports: [{ containerPort: 8080 }] },
          { name: 'istio-proxy', image: 'istio/proxyv2' },
        ] },
      },
    });
    // Without an IP the pod is not in the mesh's snapshot yet: nothing is written for it.
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(files.dir)).toBe(false);
    await core.patchNamespacedPodStatus({ name: POD, namespace: ns, body: { status: { phase: 'Running', podIP: POD_IP, podIPs: [{ ip: POD_IP }] } } }, mergePatch);
    await until('the sidecar bootstrap', () => read(files.bootstrap));
    for (const f of [files.lds, files.cds, files.rds, files.certSecret, files.rootSecret]) expect(existsSync(f), f).toBe(true);
    expect(inboundChains()).toContain('mtls');
    expect(inboundChains()).toContain('plaintext');
  });

  it('rewrites the configuration when an Istio resource changes: STRICT drops the plaintext chain, and back', async () => {
    const pa = { group: 'security.istio.io', version: 'v1', namespace: ns, plural: 'peerauthentications' };
    await custom.createNamespacedCustomObject({
      ...pa, body: { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: ns }, spec: { mtls: { mode: 'STRICT' } } },
    });
    await until('the plaintext chain to go', () => (inboundChains().includes('plaintext') ? undefined : true));
    expect(inboundChains()).toContain('mtls');
    await custom.deleteNamespacedCustomObject({ ...pa, name: 'default' });
    await until('the plaintext chain to come back', () => (inboundChains().includes('plaintext') ? true : undefined));
  });

  it('removes the sidecar\'s files when its pod is gone', async () => {
    await core.deleteNamespacedPod({ name: POD, namespace: ns, gracePeriodSeconds: 0 });
    await until('the sidecar files to be removed', () => (existsSync(files.dir) ? undefined : true));
    expect(logs.filter((l) => /failed/.test(l))).toEqual([]);
  });
});
