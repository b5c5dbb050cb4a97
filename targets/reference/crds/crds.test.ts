import { describe, expect, it } from 'vitest';
import { REFERENCE_CRDS } from './reference-crds.ts';
import type { JSONSchemaProps } from './schema.ts';

/** The parts of apiextensions' structural-schema rules that data written by hand can break. */
function structuralProblems(s: JSONSchemaProps, path: string): string[] {
  const problems: string[] = [];
  const exempt = s['x-kubernetes-int-or-string'] === true || s['x-kubernetes-preserve-unknown-fields'] === true;
  if (!s.type && !exempt) problems.push(`${path}: no type`);
  if (s.properties && s.additionalProperties) problems.push(`${path}: both properties and additionalProperties`);
  if (s.type === 'array' && !s.items) problems.push(`${path}: array without items`);
  if (s.type !== 'object' && (s.properties || s.additionalProperties)) problems.push(`${path}: fields on a non-object`);
  if (s.enum && s.type === 'string' && s.enum.some((v) => typeof v !== 'string')) problems.push(`${path}: non-string enum value`);
  for (const r of s.required ?? []) {
    if (s.properties && !(r in s.properties) && !s['x-kubernetes-preserve-unknown-fields']) problems.push(`${path}: requires unknown ${r}`);
  }
  for (const [k, v] of Object.entries(s.properties ?? {})) problems.push(...structuralProblems(v, `${path}.${k}`));
  if (s.additionalProperties) problems.push(...structuralProblems(s.additionalProperties, `${path}[*]`));
  if (s.items) problems.push(...structuralProblems(s.items, `${path}[]`));
  return problems;
}

const byKind = (group: string, kind: string) => {
  const crd = REFERENCE_CRDS.find((c) => c.spec.group === group && c.spec.names.kind === kind);
  if (!crd) throw new Error(`no CRD for ${kind}.${group}`);
  return crd;
};

describe('reference CRDs', () => {
  it('are named <plural>.<group>, each once', () => {
    const names = REFERENCE_CRDS.map((c) => c.metadata.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of REFERENCE_CRDS) expect(c.metadata.name).toBe(`${c.spec.names.plural}.${c.spec.group}`);
  });

  it('have exactly one storage version, all served', () => {
    for (const c of REFERENCE_CRDS) {
      expect(c.spec.versions.filter((v) => v.storage), c.metadata.name).toHaveLength(1);
      expect(c.spec.versions.every((v) => v.served)).toBe(true);
    }
  });

  it('have structural schemas', () => {
    const problems = REFERENCE_CRDS.flatMap((c) =>
      c.spec.versions.flatMap((v) => structuralProblems(v.schema.openAPIV3Schema, `${c.metadata.name}/${v.name}`)),
    );
    expect(problems).toEqual([]);
  });

  it('use unique short names, as upstream spells them', () => {
    const shortNames = REFERENCE_CRDS.flatMap((c) => c.spec.names.shortNames ?? []);
    expect(new Set(shortNames).size).toBe(shortNames.length);
    const expected: [string, string, string[]][] = [
      ['serving.knative.dev', 'Service', ['kservice', 'ksvc']],
      ['serving.knative.dev', 'Configuration', ['config', 'cfg']],
      ['serving.knative.dev', 'Revision', ['rev']],
      ['serving.knative.dev', 'Route', ['rt']],
      ['networking.istio.io', 'VirtualService', ['vs']],
      ['networking.istio.io', 'DestinationRule', ['dr']],
      ['networking.istio.io', 'Gateway', ['gw']],
      ['networking.istio.io', 'ServiceEntry', ['se']],
      ['security.istio.io', 'PeerAuthentication', ['pa']],
      ['security.istio.io', 'AuthorizationPolicy', ['ap']],
      ['security.istio.io', 'RequestAuthentication', ['ra']],
      ['serving.kserve.io', 'InferenceService', ['isvc']],
    ];
    for (const [group, kind, names] of expected) expect(byKind(group, kind).spec.names.shortNames).toEqual(names);
  });

  it('serve the versions upstream serves, with its storage version', () => {
    const versions = (group: string, kind: string) => byKind(group, kind).spec.versions.map((v) => `${v.name}${v.storage ? '*' : ''}`);
    expect(versions('networking.istio.io', 'VirtualService')).toEqual(['v1*', 'v1alpha3', 'v1beta1']);
    expect(versions('security.istio.io', 'PeerAuthentication')).toEqual(['v1*', 'v1beta1']);
    expect(versions('eventing.knative.dev', 'EventType')).toEqual(['v1beta3', 'v1beta2*', 'v1beta1']);
    expect(versions('serving.kserve.io', 'InferenceService')).toEqual(['v1beta1*']);
    expect(versions('serving.kserve.io', 'InferenceGraph')).toEqual(['v1alpha1*']);
    expect(byKind('serving.kserve.io', 'ClusterServingRuntime').spec.scope).toBe('Cluster');
  });

  it('print the columns kubectl shows for a ksvc', () => {
    const v1 = byKind('serving.knative.dev', 'Service').spec.versions[0]!;
    expect(v1.additionalPrinterColumns?.map((c) => c.name)).toEqual(['URL', 'LatestCreated', 'LatestReady', 'Ready', 'Reason']);
    expect(v1.subresources).toEqual({ status: {} });
    expect(byKind('serving.knative.dev', 'Service').spec.names.categories).toEqual(['all', 'knative', 'serving']);
  });

  it('let the API server refuse bad KServe and Chaos Mesh objects itself', () => {
    const spec = (group: string, kind: string) => byKind(group, kind).spec.versions[0]!.schema.openAPIV3Schema.properties!.spec!;
    expect(spec('serving.kserve.io', 'InferenceService').required).toEqual(['predictor']);
    const pod = spec('chaos-mesh.org', 'PodChaos');
    expect(pod.required).toEqual(['action', 'mode', 'selector']);
    expect(pod.properties!.action!.enum).toEqual(['pod-kill', 'pod-failure', 'container-kill']);
    expect(pod.properties!.mode!.enum).toEqual(['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent']);
    expect(pod['x-kubernetes-preserve-unknown-fields']).toBeUndefined();
  });
});
