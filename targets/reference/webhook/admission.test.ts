import { describe, expect, it } from 'vitest';
import { KNATIVE_DEFAULTS, type AutoscalerConfig } from '../autoscaler/config.ts';
import { mutateAdmission, validateAdmission as validateWith, type AdmissionRequest } from './admission.ts';

const request = (group: string, version: string, kind: string, object: unknown, extra: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  uid: 'uid-1',
  kind: { group, version, kind },
  operation: 'CREATE',
  object,
  ...extra,
});
const ksvc = (spec: Record<string, unknown>) => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' }, spec });
const SERVING = ['serving.knative.dev', 'v1', 'Service'] as const;
/** With config-autoscaler missing: Knative's defaults. */
const validateAdmission = (r: AdmissionRequest, autoscaler: AutoscalerConfig = KNATIVE_DEFAULTS) => validateWith(r, { autoscaler });

describe('validating admission', () => {
  it('allows a valid, defaulted ksvc', () => {
    const obj = ksvc({
      template: { spec: { containers: [{ name: 'user-container', image: 'x' }], timeoutSeconds: 300, containerConcurrency: 0 } },
      traffic: [{ latestRevision: true, percent: 100 }],
    });
    expect(validateAdmission(request(...SERVING, obj))).toEqual({ uid: 'uid-1', allowed: true });
  });

  it('denies as Knative does: a BadRequest saying "validation failed", schema and semantic errors together', () => {
    const obj = ksvc({ template: { spec: { containers: [{ name: 'c', image: 7 }] } }, traffic: [{ latestRevision: true, percent: 90 }] });
    expect(validateAdmission(request(...SERVING, obj))).toEqual({
      uid: 'uid-1',
      allowed: false,
      status: {
        status: 'Failure',
        reason: 'BadRequest',
        code: 400,
        message: 'validation failed: spec.template.spec.containers[0].image: must be string\nTraffic targets sum to 90, want 100: spec.traffic',
      },
    });
  });

  it('denies as istiod does: "configuration is invalid"', () => {
    const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'a' }, spec: { hosts: ['a'], http: [{ timeout: 5 }] } };
    const r = validateAdmission(request('networking.istio.io', 'v1', 'VirtualService', vs));
    expect(r.allowed).toBe(false);
    expect(r.status?.message).toBe('configuration is invalid: spec.http[0].timeout: must be string');
  });

  it('lets through what it does not review: other kinds, deletes, subresources', () => {
    expect(validateAdmission(request('chaos-mesh.org', 'v1alpha1', 'PodChaos', {})).allowed).toBe(true);
    expect(validateAdmission(request(...SERVING, ksvc({}), { operation: 'DELETE' })).allowed).toBe(true);
    expect(validateAdmission(request(...SERVING, ksvc({}), { subResource: 'status' })).allowed).toBe(true);
  });
});

describe('autoscaling annotations (checked against config-autoscaler)', () => {
  const A = (k: string) => `autoscaling.knative.dev/${k}`;
  const template = (annotations: Record<string, string>) => ({
    metadata: { annotations },
    spec: { containers: [{ name: 'user-container', image: 'x' }], timeoutSeconds: 300, containerConcurrency: 0 },
  });
  const service = (annotations: Record<string, string>) => ksvc({ template: template(annotations), traffic: [{ latestRevision: true, percent: 100 }] });
  const denied = (r: ReturnType<typeof validateAdmission>) => (r.allowed ? 'allowed' : r.status?.message);
  const prefix = 'spec.template.metadata.annotations';

  it('accepts valid annotations on a Service, refuses an invalid one naming its field', () => {
    expect(denied(validateAdmission(request(...SERVING, service({ [A('min-scale')]: '1', [A('max-scale')]: '3', [A('target')]: '10', [A('window')]: '10s' }))))).toBe('allowed');
    expect(denied(validateAdmission(request(...SERVING, service({ [A('window')]: '2s' }))))).toBe(
      `validation failed: invalid value: 2s (must be in [6s, 1h0m0s]): ${prefix}.${A('window')}`,
    );
  });

  it('refuses initial-scale 0 unless config-autoscaler has allow-zero-initial-scale', () => {
    const zero = request(...SERVING, service({ [A('initial-scale')]: '0' }));
    expect(validateAdmission(zero)).toEqual({
      uid: 'uid-1',
      allowed: false,
      status: {
        status: 'Failure', reason: 'BadRequest', code: 400,
        message: `validation failed: invalid value: 0 (=0 not allowed by cluster): ${prefix}.${A('initial-scale')}`,
      },
    });
    expect(denied(validateAdmission(zero, { ...KNATIVE_DEFAULTS, allowZeroInitialScale: true }))).toBe('allowed');
  });

  it('refuses min-scale above max-scale, naming both fields (kebab-case, as Knative, whichever spelling was used)', () => {
    expect(denied(validateAdmission(request(...SERVING, service({ [A('min-scale')]: '4', [A('max-scale')]: '2' }))))).toBe(
      `validation failed: max-scale=2 is less than min-scale=4: ${prefix}.${A('max-scale')}, ${prefix}.${A('min-scale')}`,
    );
    expect(denied(validateAdmission(request(...SERVING, service({ [A('minScale')]: '4', [A('maxScale')]: '2' }))))).toBe(
      `validation failed: max-scale=2 is less than min-scale=4: ${prefix}.${A('max-scale')}, ${prefix}.${A('min-scale')}`,
    );
  });

  it('refuses max-scale above max-scale-limit, and an unlimited one when there is a limit', () => {
    const limited = { ...KNATIVE_DEFAULTS, maxScaleLimit: 5, maxScale: 5 };
    expect(denied(validateAdmission(request(...SERVING, service({ [A('max-scale')]: '5' })), limited))).toBe('allowed');
    expect(denied(validateAdmission(request(...SERVING, service({ [A('max-scale')]: '10' })), limited))).toBe(
      `validation failed: expected 1 <= 10 <= 5: ${prefix}.${A('max-scale')}`,
    );
    expect(denied(validateAdmission(request(...SERVING, service({ [A('maxScale')]: '0' })), limited))).toBe(
      `validation failed: max-scale=0 (unlimited), must be less than 5: ${prefix}.${A('maxScale')}`,
    );
  });

  it('checks a Configuration\'s template and a Revision\'s own metadata', () => {
    const configuration = { apiVersion: 'serving.knative.dev/v1', kind: 'Configuration', metadata: { name: 'hello' }, spec: { template: template({ [A('initial-scale')]: '0' }) } };
    expect(denied(validateAdmission(request('serving.knative.dev', 'v1', 'Configuration', configuration)))).toBe(
      `validation failed: invalid value: 0 (=0 not allowed by cluster): ${prefix}.${A('initial-scale')}`,
    );
    const revision = { apiVersion: 'serving.knative.dev/v1', kind: 'Revision', ...template({ [A('metric')]: 'cpu' }) };
    const rev = (extra: Partial<AdmissionRequest> = {}) => request('serving.knative.dev', 'v1', 'Revision', revision, extra);
    const message = `validation failed: invalid value: cpu: metadata.annotations.${A('metric')}`;
    expect(denied(validateAdmission(rev()))).toBe(message);
    // On an update too, unless the spec changed: that is then the only error, as in Knative.
    expect(denied(validateAdmission(rev({ operation: 'UPDATE', oldObject: revision })))).toBe(message);
    const before = { ...revision, spec: { ...revision.spec, containerConcurrency: 5 } };
    expect(denied(validateAdmission(rev({ operation: 'UPDATE', oldObject: before })))).toMatch(/^validation failed: Immutable fields changed \(-old \+new\): spec\n/);
  });

  it('refuses what Knative refuses beyond the autoscaler\'s reading: an unknown aggregation algorithm for the KPA, an empty HPA metric', () => {
    const kpa = { [A('class')]: 'kpa.autoscaling.knative.dev' };
    expect(denied(validateAdmission(request(...SERVING, service({ ...kpa, [A('metric-aggregation-algorithm')]: 'weighted-exponential' }))))).toBe('allowed');
    expect(denied(validateAdmission(request(...SERVING, service({ ...kpa, [A('metric-aggregation-algorithm')]: 'median' }))))).toBe(
      `validation failed: invalid value: median: ${prefix}.${A('metric-aggregation-algorithm')}`,
    );
    expect(denied(validateAdmission(request(...SERVING, service({ [A('class')]: 'hpa.autoscaling.knative.dev', [A('metric')]: '' }))))).toBe(
      `validation failed: invalid value: : ${prefix}.${A('metric')}`,
    );
  });
});

describe('mutating admission', () => {
  it('answers a JSONPatch with the defaults', () => {
    const r = mutateAdmission(request(...SERVING, ksvc({ template: { spec: { containers: [{ image: 'x' }] } } })));
    expect(r.allowed).toBe(true);
    expect(r.patchType).toBe('JSONPatch');
    const ops = JSON.parse(Buffer.from(r.patch!, 'base64').toString('utf8')) as { path: string }[];
    expect(ops.map((o) => o.path)).toEqual([
      '/spec/template/spec/containers/0/name',
      '/spec/template/spec/timeoutSeconds',
      '/spec/template/spec/containerConcurrency',
      '/spec/traffic',
    ]);
  });

  it('answers without a patch when nothing is missing, and for other groups', () => {
    const done = ksvc({
      template: { spec: { containers: [{ name: 'user-container', image: 'x' }], timeoutSeconds: 300, containerConcurrency: 0 } },
      traffic: [{ latestRevision: true, percent: 100 }],
    });
    expect(mutateAdmission(request(...SERVING, done))).toEqual({ uid: 'uid-1', allowed: true });
    expect(mutateAdmission(request('networking.istio.io', 'v1', 'VirtualService', { spec: {} }))).toEqual({ uid: 'uid-1', allowed: true });
  });
});
