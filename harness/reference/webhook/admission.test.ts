import { describe, expect, it } from 'vitest';
import { mutateAdmission, validateAdmission, type AdmissionRequest } from './admission.ts';

const request = (group: string, version: string, kind: string, object: unknown, extra: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  uid: 'uid-1',
  kind: { group, version, kind },
  operation: 'CREATE',
  object,
  ...extra,
});
const ksvc = (spec: Record<string, unknown>) => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' }, spec });
const SERVING = ['serving.knative.dev', 'v1', 'Service'] as const;

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
