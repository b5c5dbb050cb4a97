import { describe, expect, it } from 'vitest';
import { joinPath, pointerToFieldPath } from './field-path.ts';
import { schemaViolations } from './models.ts';
import { describeSchemaErrors, formatViolation, type SchemaError } from './schema-errors.ts';

const lines = (errors: SchemaError[], doc: unknown) => describeSchemaErrors(errors, doc).map(formatViolation);
const ksvc = (containers: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name: 'hello', namespace: 'default' },
  spec: { template: { spec: { containers } } },
  ...extra,
});

describe('field paths', () => {
  it('index arrays, dot plain keys, bracket the others', () => {
    const doc = { spec: { containers: [{ image: 'x' }] }, metadata: { labels: { 'app.kubernetes.io/name': 'a', '0': 'b' } } };
    expect(pointerToFieldPath('/spec/containers/0/image', doc)).toBe('spec.containers[0].image');
    expect(pointerToFieldPath('/metadata/labels/app.kubernetes.io~1name', doc)).toBe('metadata.labels[app.kubernetes.io/name]');
    expect(pointerToFieldPath('/metadata/labels/0', doc)).toBe('metadata.labels[0]');
    expect(pointerToFieldPath('', doc)).toBe('');
    expect(joinPath('', 'spec')).toBe('spec');
  });
});

describe('schema errors in Kubernetes words', () => {
  it('names the field of a type error', () => {
    const doc = { spec: { http: [{ route: [{ weight: 'x' }] }] } };
    const errors = [{ instancePath: '/spec/http/0/route/0/weight', keyword: 'type', message: 'must be integer', params: { type: 'integer' } }];
    expect(lines(errors, doc)).toEqual(['spec.http[0].route[0].weight: must be integer']);
  });

  it('names the missing field of a required error', () => {
    const errors = [{ instancePath: '/spec', keyword: 'required', message: 'must have required property host', params: { missingProperty: 'host' } }];
    expect(lines(errors, { spec: {} })).toEqual(['spec.host: Required value']);
  });

  it('quotes the value and the supported values of an enum error', () => {
    const doc = { spec: { mtls: { mode: 'STRICTLY' } } };
    const errors = [{ instancePath: '/spec/mtls/mode', keyword: 'enum', params: { allowedValues: ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'] } }];
    expect(lines(errors, doc)).toEqual(['spec.mtls.mode: Unsupported value: "STRICTLY": supported values: "UNSET", "DISABLE", "PERMISSIVE", "STRICT"']);
  });

  it('collapses the branches of an int-or-string into one message', () => {
    const p = '/spec/port';
    const errors = [
      { instancePath: p, keyword: 'type', message: 'must be string', params: { type: 'string' } },
      { instancePath: p, keyword: 'type', message: 'must be integer', params: { type: 'integer' } },
      { instancePath: p, keyword: 'oneOf', message: 'must match exactly one schema in "oneOf"', params: { passingSchemas: null } },
    ];
    expect(lines(errors, { spec: { port: {} } })).toEqual(['spec.port: must be string or integer']);
  });

  it('says when exclusive fields are set together, as the API server does', () => {
    const p = '/spec/trafficPolicy/loadBalancer';
    const errors = [
      { instancePath: p, keyword: 'not', message: 'must NOT be valid', params: {} },
      { instancePath: p, keyword: 'oneOf', message: 'must match exactly one schema in "oneOf"', params: { passingSchemas: [1, 2] } },
    ];
    expect(lines(errors, {})).toEqual(['spec.trafficPolicy.loadBalancer: must validate one and only one schema (oneOf). Found 2 valid alternatives']);
  });
});

describe('schemaViolations (the @kubernetes-models validators)', () => {
  it('accepts a valid ksvc', () => {
    expect(schemaViolations({ group: 'serving.knative.dev', version: 'v1', kind: 'Service' }, ksvc([{ name: 'user-container', image: 'x' }]))).toEqual([]);
  });

  it('names the container image that is a number', () => {
    const v = schemaViolations({ group: 'serving.knative.dev', version: 'v1', kind: 'Service' }, ksvc([{ name: 'c', image: 5 }]));
    expect(v?.map(formatViolation)).toEqual(['spec.template.spec.containers[0].image: must be string']);
  });

  it('leaves status to the controllers', () => {
    const obj = ksvc([{ name: 'c', image: 'x' }], { status: { observedGeneration: 'one' } });
    expect(schemaViolations({ group: 'serving.knative.dev', version: 'v1', kind: 'Service' }, obj)).toEqual([]);
  });

  it('validates every served Istio version', () => {
    for (const version of ['v1', 'v1beta1', 'v1alpha3']) {
      const vs = { apiVersion: `networking.istio.io/${version}`, kind: 'VirtualService', metadata: { name: 'a' }, spec: { hosts: 'a' } };
      expect(schemaViolations({ group: 'networking.istio.io', version, kind: 'VirtualService' }, vs)?.map(formatViolation)).toEqual(['spec.hosts: must be array']);
    }
  });

  it('knows nothing of kinds without a model', () => {
    expect(schemaViolations({ group: 'chaos-mesh.org', version: 'v1alpha1', kind: 'PodChaos' }, {})).toBeUndefined();
  });
});
