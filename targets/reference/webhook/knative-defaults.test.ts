import { describe, expect, it } from 'vitest';
import { renderFieldErrors } from './field-error.ts';
import { createPatch, type PatchOperation } from './json-patch.ts';
import { defaultRevisionSpec, validateRevisionSpec } from './knative-revision.ts';
import { KNATIVE_DEFAULTS } from '../autoscaler/config.ts';
import { defaultServing, validateServing } from './knative-serving.ts';

/** Applies add/replace/remove (what createPatch emits) to a copy. */
function applyPatch(doc: unknown, ops: PatchOperation[]): unknown {
  const root = { doc: structuredClone(doc) } as Record<string, unknown>;
  for (const op of ops) {
    const steps = ['doc', ...op.path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))];
    const last = steps.pop()!;
    let node = root;
    for (const s of steps) node = node[s] as Record<string, unknown>;
    if (op.op === 'remove') delete node[last];
    else node[last] = op.value;
  }
  return root.doc;
}

const service = (spec: Record<string, unknown>) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name: 'hello', namespace: 'default' },
  spec,
});

describe('RevisionSpec defaults', () => {
  it('sets timeout, concurrency and the user container name', () => {
    expect(defaultRevisionSpec({ containers: [{ image: 'x' }] })).toEqual({
      timeoutSeconds: 300,
      containerConcurrency: 0,
      containers: [{ image: 'x', name: 'user-container' }],
    });
  });

  it('keeps what the user set, except a zero timeout', () => {
    expect(defaultRevisionSpec({ timeoutSeconds: 0, containerConcurrency: 10, containers: [{ name: 'app', image: 'x' }] })).toEqual({
      timeoutSeconds: 300,
      containerConcurrency: 10,
      containers: [{ name: 'app', image: 'x' }],
    });
  });

  it('numbers the names of several containers, skipping names taken', () => {
    const spec = defaultRevisionSpec({ containers: [{ image: 'a' }, { name: 'user-container-0', image: 'b' }, { image: 'c' }] });
    expect((spec.containers as { name: string }[]).map((c) => c.name)).toEqual(['user-container-1', 'user-container-0', 'user-container-2']);
  });

  it('does not change its input', () => {
    const input = { containers: [{ image: 'x' }] };
    defaultRevisionSpec(input);
    expect(input).toEqual({ containers: [{ image: 'x' }] });
  });

  it('checks what the schema does not: image, bounds', () => {
    expect(renderFieldErrors(validateRevisionSpec({ containers: [{ name: 'a' }], containerConcurrency: 1001, timeoutSeconds: 601 }, 'spec'))).toEqual([
      'expected 0 <= 1001 <= 1000: spec.containerConcurrency',
      'expected 0 <= 601 <= 600: spec.timeoutSeconds',
      'missing field(s): spec.containers[0].image',
    ]);
  });
});

describe('Knative Serving defaulting as a JSONPatch', () => {
  it('defaults a new ksvc: template and traffic', () => {
    const ksvc = service({ template: { spec: { containers: [{ image: 'ghcr.io/x/probe' }] } } });
    const ops = createPatch(ksvc, defaultServing('Service', 'CREATE', ksvc, undefined));
    expect(ops).toEqual([
      { op: 'add', path: '/spec/template/spec/containers/0/name', value: 'user-container' },
      { op: 'add', path: '/spec/template/spec/timeoutSeconds', value: 300 },
      { op: 'add', path: '/spec/template/spec/containerConcurrency', value: 0 },
      { op: 'add', path: '/spec/traffic', value: [{ percent: 100, latestRevision: true }] },
    ]);
    expect(applyPatch(ksvc, ops)).toEqual(defaultServing('Service', 'CREATE', ksvc, undefined));
  });

  it('has nothing to add to a defaulted ksvc', () => {
    const ksvc = service({ template: { spec: { containers: [{ image: 'x' }] } } });
    const once = defaultServing('Service', 'CREATE', ksvc, undefined);
    expect(createPatch(once, defaultServing('Service', 'UPDATE', once, ksvc))).toEqual([]);
  });

  it('leaves a template alone on an update that keeps its own revision name', () => {
    const old = service({ template: { metadata: { name: 'hello-v1' }, spec: { containers: [{ image: 'x' }] } } });
    const updated = service({ template: { metadata: { name: 'hello-v1' }, spec: { containers: [{ image: 'y' }] } }, traffic: [{ latestRevision: true, percent: 100 }] });
    expect(defaultServing('Service', 'UPDATE', updated, old)).toEqual(updated);
  });

  it('defaults a Revision when it is created, never after', () => {
    const rev = { apiVersion: 'serving.knative.dev/v1', kind: 'Revision', metadata: { name: 'hello-00001' }, spec: { containers: [{ image: 'x' }] } };
    expect(createPatch(rev, defaultServing('Revision', 'CREATE', rev, undefined))).toHaveLength(3);
    expect(defaultServing('Revision', 'UPDATE', rev, rev)).toBe(rev);
  });

  it('refuses changes to a Revision spec', () => {
    const rev = { metadata: { name: 'hello-00001' }, spec: { containers: [{ name: 'user-container', image: 'x' }], containerConcurrency: 0 } };
    const changed = { ...rev, spec: { ...rev.spec, containerConcurrency: 5 } };
    expect(renderFieldErrors(validateServing('Revision', 'UPDATE', changed, rev, KNATIVE_DEFAULTS))[0]).toMatch(/^Immutable fields changed \(-old \+new\): spec\n/);
    expect(validateServing('Revision', 'UPDATE', rev, rev, KNATIVE_DEFAULTS)).toEqual([]);
  });
});

describe('createPatch', () => {
  it('adds, replaces and removes, escaping keys', () => {
    const before = { a: 1, b: { 'x/y': 1, gone: true }, list: [1, 2] };
    const after = { a: 2, b: { 'x/y': 2 }, list: [1, 2, 3], added: 'yes' };
    const ops = createPatch(before, after);
    expect(ops).toEqual([
      { op: 'replace', path: '/a', value: 2 },
      { op: 'remove', path: '/b/gone' },
      { op: 'replace', path: '/b/x~1y', value: 2 },
      { op: 'replace', path: '/list', value: [1, 2, 3] },
      { op: 'add', path: '/added', value: 'yes' },
    ]);
    expect(applyPatch(before, ops)).toEqual(after);
  });
});
