/**
 * The CRDs and the admission webhook against a real kube-apiserver: what a user of the reference sees when
 * applying good and bad objects.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException, CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBinaries } from '../../../lib/tools/resolve.ts';
import { CONFIG_AUTOSCALER, ensureConfigAutoscaler } from '../autoscaler/config.ts';
import { startControlPlane, type ControlPlane } from '../controlplane/controlplane.ts';
import { installCrds } from '../crds/install.ts';
import { kubeRequest } from '../crds/kube-http.ts';
import { startAdmissionWebhook, type AdmissionWebhook } from './index.ts';

let dir: string;
let cp: ControlPlane | undefined;
let webhook: AdmissionWebhook | undefined;
let client: KubernetesObjectApi;
let kc: KubeConfig;

async function cleanUp(): Promise<void> {
  await webhook?.stop();
  await cp?.stop();
  webhook = undefined;
  cp = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gauntlet-admission-'));
  try {
    const binaries = await requireBinaries(['etcd', 'kube-apiserver', 'kube-controller-manager']);
    mkdirSync(join(dir, 'logs'), { recursive: true });
    cp = await startControlPlane({
      stateDir: join(dir, 'state'),
      logDir: join(dir, 'logs'),
      binaries: binaries as { etcd: string; 'kube-apiserver': string; 'kube-controller-manager': string },
      progress: () => {},
    });
    await installCrds(cp.kubeconfigs.admin, { timeoutMs: 30_000 });
    webhook = await startAdmissionWebhook({
      kubeconfig: cp.kubeconfigs.admin,
      ca: cp.ca,
      host: '127.0.0.1',
      logFile: join(dir, 'logs', 'webhook.log'),
      timeoutMs: 15_000,
    });
    kc = new KubeConfig();
    kc.loadFromFile(cp.kubeconfigs.admin);
    client = KubernetesObjectApi.makeApiClient(kc);
  } catch (e) {
    await cleanUp();
    throw e;
  }
}, 120_000);

afterAll(cleanUp, 30_000);

const meta = (name: string) => ({ name, namespace: 'default' });
const ksvc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: meta(name), spec });

/** Creates an object that must be refused; returns the HTTP code and the message a user reads. */
async function refusal(object: KubernetesObject): Promise<{ code: number; message: string }> {
  try {
    await client.create(object);
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    return { code: e.code, message: messageOf(e) };
  }
  throw new Error(`${object.kind} ${object.metadata?.name} was accepted`);
}

function messageOf(e: ApiException<unknown>): string {
  const body: unknown = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
  return String((body as { message?: unknown }).message);
}

describe('reference CRDs and admission webhook on kube-apiserver', () => {
  it('discovery lists the kinds with their short names', async () => {
    const expected: Record<string, Record<string, string[]>> = {
      'serving.knative.dev/v1': { Service: ['kservice', 'ksvc'], Configuration: ['config', 'cfg'], Revision: ['rev'], Route: ['rt'] },
      'eventing.knative.dev/v1': { Broker: [], Trigger: [] },
      'eventing.knative.dev/v1beta2': { EventType: [] },
      'eventing.knative.dev/v1beta3': { EventType: [] },
      'networking.istio.io/v1': { VirtualService: ['vs'], DestinationRule: ['dr'], Gateway: ['gw'], ServiceEntry: ['se'], Sidecar: [] },
      'networking.istio.io/v1alpha3': { VirtualService: ['vs'] },
      'networking.istio.io/v1beta1': { VirtualService: ['vs'] },
      'security.istio.io/v1': { PeerAuthentication: ['pa'], AuthorizationPolicy: ['ap'], RequestAuthentication: ['ra'] },
      'security.istio.io/v1beta1': { PeerAuthentication: ['pa'] },
      'serving.kserve.io/v1beta1': { InferenceService: ['isvc'] },
      'serving.kserve.io/v1alpha1': { ServingRuntime: [], ClusterServingRuntime: [], InferenceGraph: ['ig'] },
      'chaos-mesh.org/v1alpha1': {
        PodChaos: [],
        NetworkChaos: [],
        HTTPChaos: [],
        StressChaos: [],
        IOChaos: [],
        TimeChaos: [],
        Schedule: [],
        Workflow: ['wf'],
      },
    };
    for (const [groupVersion, kinds] of Object.entries(expected)) {
      const list = await kubeRequest<{ resources: { name: string; kind: string; shortNames?: string[] }[] }>(kc, {
        method: 'GET',
        path: `/apis/${groupVersion}`,
      });
      const served = Object.fromEntries(list.resources.filter((r) => !r.name.includes('/')).map((r) => [r.kind, r.shortNames ?? []]));
      for (const [kind, shortNames] of Object.entries(kinds)) expect(served[kind], `${kind} in ${groupVersion}`).toEqual(shortNames);
    }
  });

  it('accepts a valid ksvc and returns it defaulted', async () => {
    const created = (await client.create(ksvc('hello', { template: { spec: { containers: [{ image: 'ghcr.io/gauntlet/probe:1' }] } } }))) as unknown as {
      spec: { template: { spec: Record<string, unknown> }; traffic: unknown };
    };
    expect(created.spec.template.spec).toEqual({
      containers: [{ name: 'user-container', image: 'ghcr.io/gauntlet/probe:1' }],
      containerConcurrency: 0,
      timeoutSeconds: 300,
    });
    expect(created.spec.traffic).toEqual([{ latestRevision: true, percent: 100 }]);

    // An update goes through the same webhooks and keeps the defaults.
    const patched = (await client.patch(
      { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: meta('hello'), spec: { template: { spec: { containerConcurrency: 10 } } } },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    )) as unknown as { spec: { template: { spec: Record<string, unknown> } } };
    expect(patched.spec.template.spec).toMatchObject({ containerConcurrency: 10, timeoutSeconds: 300 });
  });

  it('refuses a ksvc whose traffic sums to 90, naming spec.traffic', async () => {
    const r = await refusal(
      ksvc('split', {
        template: { spec: { containers: [{ image: 'x' }] } },
        traffic: [
          { latestRevision: true, percent: 50 },
          { revisionName: 'split-00001', percent: 40 },
        ],
      }),
    );
    expect(r.code).toBe(400);
    expect(r.message).toBe(
      'admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: Traffic targets sum to 90, want 100: spec.traffic',
    );
  });

  it('refuses a ksvc whose container image is a number, naming the field', async () => {
    const r = await refusal(ksvc('numeric', { template: { spec: { containers: [{ image: 42 }] } } }));
    expect(r.code).toBe(400);
    expect(r.message).toContain('validation failed: spec.template.spec.containers[0].image: must be string');
  });

  it('refuses initial-scale 0 until config-autoscaler allows it, naming the annotation', async () => {
    const zero = ksvc('zero', {
      template: { metadata: { annotations: { 'autoscaling.knative.dev/initial-scale': '0' } }, spec: { containers: [{ image: 'x' }] } },
    });
    const refused =
      'admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: ' +
      'invalid value: 0 (=0 not allowed by cluster): spec.template.metadata.annotations.autoscaling.knative.dev/initial-scale';
    // No config-autoscaler yet: Knative's defaults.
    expect(await refusal(zero)).toEqual({ code: 400, message: refused });

    // The reference's own ConfigMap, then a user's patch of it.
    const { namespace, name } = CONFIG_AUTOSCALER;
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
    await ensureConfigAutoscaler(kc);
    await client.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { 'allow-zero-initial-scale': 'true' } } as KubernetesObject,
      undefined, undefined, undefined, undefined, PatchStrategy.MergePatch,
    );
    // The webhook sees the patch through its watch, a moment later (the deadline only ends a test that would hang).
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const created = (await client.create(zero)) as unknown as { spec: { template: { metadata: { annotations: Record<string, string> } } } };
        expect(created.spec.template.metadata.annotations['autoscaling.knative.dev/initial-scale']).toBe('0');
        break;
      } catch (e) {
        if (!(e instanceof ApiException) || messageOf(e) !== refused || Date.now() > deadline) throw e;
        await sleep(50);
      }
    }
  });

  it('refuses a VirtualService with a field of the wrong type', async () => {
    const r = await refusal({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: meta('reviews'),
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' }, weight: 'ninety' }] }] },
    } as KubernetesObject);
    expect(r.message).toBe(
      'admission webhook "validation.istio.io" denied the request: configuration is invalid: spec.http[0].route[0].weight: must be integer',
    );
  });

  it('has the API server refuse a PodChaos with an unknown action, naming the field', async () => {
    const r = await refusal({
      apiVersion: 'chaos-mesh.org/v1alpha1',
      kind: 'PodChaos',
      metadata: meta('explode'),
      spec: { action: 'pod-explode', mode: 'one', selector: { namespaces: ['default'] } },
    } as KubernetesObject);
    expect(r.code).toBe(422);
    expect(r.message).toContain('spec.action: Unsupported value: "pod-explode": supported values: "pod-kill", "pod-failure", "container-kill"');
  });

  it('has the API server refuse an InferenceService without spec.predictor', async () => {
    const r = await refusal({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: meta('no-predictor'),
      spec: { transformer: { containers: [{ name: 't', image: 'x' }] } },
    } as KubernetesObject);
    expect(r.code).toBe(422);
    expect(r.message).toContain('spec.predictor: Required value');
  });
});
