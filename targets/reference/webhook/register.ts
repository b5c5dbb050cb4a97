import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { REFERENCE_CRDS } from '../crds/reference-crds.ts';
import { KubeHttpError, kubeRequest, serverSideApply } from '../crds/kube-http.ts';
import { validatedKinds } from './models.ts';
import { MUTATE_PATH, VALIDATE_PATH } from './server.ts';
import { INJECT_LABEL, INJECT_PATH, INJECTION_NAMESPACE_LABEL } from './istio-injection.ts';

const FIELD_MANAGER = 'gauntlet-reference-webhook';
const ADMISSION = '/apis/admissionregistration.k8s.io/v1';
export const VALIDATING_CONFIGURATION = 'gauntlet-reference-validation';
export const MUTATING_CONFIGURATION = 'gauntlet-reference-defaulting';
export const INJECTOR_CONFIGURATION = 'istio-sidecar-injector';

/** Webhook names as upstream registers them; they appear in every denial a user reads. */
const VALIDATING_WEBHOOKS: Record<string, string> = {
  'serving.knative.dev': 'validation.webhook.serving.knative.dev',
  'eventing.knative.dev': 'validation.webhook.eventing.knative.dev',
  'networking.istio.io': 'validation.istio.io',
  'security.istio.io': 'validation.istio.io',
};
const MUTATING_WEBHOOKS: Record<string, string> = { 'serving.knative.dev': 'webhook.serving.knative.dev' };

interface Rule {
  apiGroups: string[];
  apiVersions: string[];
  operations: string[];
  resources: string[];
  scope: 'Namespaced';
}

function rule(group: string, kinds: string[]): Rule {
  const resources = kinds.map((kind) => {
    const crd = REFERENCE_CRDS.find((c) => c.spec.group === group && c.spec.names.kind === kind);
    if (!crd) throw new Error(`no CRD for ${kind}.${group}`);
    return crd.spec.names.plural;
  });
  return { apiGroups: [group], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources, scope: 'Namespaced' };
}

function webhooks(names: Record<string, string>, url: string, caBundle: string) {
  const rulesByName = new Map<string, Rule[]>();
  for (const { group, kinds } of validatedKinds()) {
    const name = names[group];
    if (name) rulesByName.set(name, [...(rulesByName.get(name) ?? []), rule(group, kinds)]);
  }
  return [...rulesByName].map(([name, rules]) => ({
    name,
    clientConfig: { url, caBundle },
    rules,
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    timeoutSeconds: 10,
  }));
}

/** Server-side-applies the Validating- and MutatingWebhookConfiguration pointing at `baseUrl`. */
export async function registerWebhooks(kc: KubeConfig, baseUrl: string, caPem: string): Promise<void> {
  const caBundle = Buffer.from(caPem).toString('base64');
  const meta = (name: string) => ({ name, labels: { 'app.kubernetes.io/part-of': 'gauntlet-reference' } });
  await serverSideApply(
    kc,
    `${ADMISSION}/validatingwebhookconfigurations/${VALIDATING_CONFIGURATION}`,
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: meta(VALIDATING_CONFIGURATION),
      webhooks: webhooks(VALIDATING_WEBHOOKS, `${baseUrl}${VALIDATE_PATH}`, caBundle),
    },
    FIELD_MANAGER,
  );
  await serverSideApply(
    kc,
    `${ADMISSION}/mutatingwebhookconfigurations/${MUTATING_CONFIGURATION}`,
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: meta(MUTATING_CONFIGURATION),
      webhooks: webhooks(MUTATING_WEBHOOKS, `${baseUrl}${MUTATE_PATH}`, caBundle),
    },
    FIELD_MANAGER,
  );
  await serverSideApply(
    kc,
    `${ADMISSION}/mutatingwebhookconfigurations/${INJECTOR_CONFIGURATION}`,
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: meta(INJECTOR_CONFIGURATION),
      webhooks: injectionWebhooks(`${baseUrl}${INJECT_PATH}`, caBundle),
    },
    FIELD_MANAGER,
  );
}

/**
 * Istio's two injection webhooks and their selectors: a namespace labelled `istio-injection=enabled` injects
 * every pod not labelled `sidecar.istio.io/inject=false`; elsewhere (no such namespace label) a pod labelled
 * `sidecar.istio.io/inject=true` is injected.
 */
function injectionWebhooks(url: string, caBundle: string) {
  const common = {
    clientConfig: { url, caBundle },
    rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: 'Namespaced' }],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    failurePolicy: 'Fail',
    reinvocationPolicy: 'Never',
    timeoutSeconds: 10,
  };
  return [
    {
      name: 'namespace.sidecar-injector.istio.io',
      ...common,
      namespaceSelector: { matchExpressions: [{ key: INJECTION_NAMESPACE_LABEL, operator: 'In', values: ['enabled'] }] },
      objectSelector: { matchExpressions: [{ key: INJECT_LABEL, operator: 'NotIn', values: ['false'] }] },
    },
    {
      name: 'object.sidecar-injector.istio.io',
      ...common,
      namespaceSelector: { matchExpressions: [{ key: INJECTION_NAMESPACE_LABEL, operator: 'DoesNotExist' }] },
      objectSelector: { matchExpressions: [{ key: INJECT_LABEL, operator: 'In', values: ['true'] }] },
    },
  ];
}

const PROBE_PATH = '/apis/serving.knative.dev/v1/namespaces/default/routes';
const probeRoute = (percent: number) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Route',
  metadata: { name: 'gauntlet-webhook-probe' },
  spec: { traffic: [{ revisionName: 'gauntlet-webhook-probe-00001', percent }] },
});

/**
 * The API server picks up webhook configurations through a watch, a moment after they are written. Waits
 * (bounded) until dry-run Routes show both in effect: one comes back defaulted, one is refused. Skipped when
 * the serving CRDs are not installed yet.
 */
export async function awaitWebhooksEffective(kc: KubeConfig, timeoutMs: number): Promise<void> {
  try {
    await kubeRequest(kc, { method: 'GET', path: '/apis/serving.knative.dev/v1' });
  } catch (e) {
    if (e instanceof KubeHttpError && e.code === 404) return;
    throw e;
  }
  const deadline = Date.now() + timeoutMs;
  let mutating = false;
  let validating = false;
  let last = 'no probe yet';
  while (Date.now() < deadline) {
    const dryRun = (percent: number) =>
      kubeRequest<{ spec?: { traffic?: { latestRevision?: boolean }[] } }>(kc, { method: 'POST', path: PROBE_PATH, query: { dryRun: 'All' }, body: probeRoute(percent) });
    if (!mutating) {
      try {
        const created = await dryRun(100);
        mutating = created.spec?.traffic?.[0]?.latestRevision === false;
        last = mutating ? last : 'a dry-run Route came back without defaults';
      } catch (e) {
        last = (e as Error).message;
      }
    }
    if (!validating) {
      try {
        await dryRun(90);
        last = 'a dry-run Route with traffic summing to 90 was accepted';
      } catch (e) {
        validating = e instanceof KubeHttpError && /denied the request.*Traffic targets sum to 90/s.test(e.message);
        last = (e as Error).message;
      }
    }
    if (mutating && validating) return;
    await sleep(100);
  }
  throw new Error(`the admission webhooks did not take effect within ${timeoutMs / 1000} s (last: ${last})`);
}
