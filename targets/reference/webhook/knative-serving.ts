/**
 * Knative Serving's webhook semantics per kind: the checks its schema does not express, and its defaults.
 * Validation sees the object after defaulting, as the API server runs mutating webhooks first.
 */
import type { AutoscalerConfig } from '../autoscaler/config.ts';
import type { FieldError } from './field-error.ts';
import { createPatch, jsonEqual } from './json-patch.ts';
import { validateAutoscalingMetadata } from './knative-autoscaling.ts';
import { defaultRevisionSpec, validateRevisionSpec } from './knative-revision.ts';
import { defaultTraffic, validateTraffic, type Json } from './knative-traffic.ts';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const child = (v: unknown, key: string): Json | undefined => (isObject(v) && isObject(v[key]) ? v[key] : undefined);

/** `autoscaler`: the config-autoscaler in force, which the autoscaling annotations are checked against. */
export function validateServing(kind: string, operation: Operation, object: Json, old: Json | undefined, autoscaler: AutoscalerConfig): FieldError[] {
  const spec = child(object, 'spec');
  const template = child(spec, 'template');
  switch (kind) {
    case 'Service':
      return [
        ...validateTemplate(template, autoscaler),
        ...validateTraffic(spec?.traffic, { defaultConfigurationName: true }),
      ];
    case 'Configuration':
      return validateTemplate(template, autoscaler);
    case 'Route':
      return validateTraffic(spec?.traffic, { defaultConfigurationName: false });
    case 'Revision': {
      const annotations = validateAutoscalingMetadata(object.metadata, 'metadata', autoscaler);
      if (operation !== 'UPDATE' || !old) return [...annotations, ...validateRevisionSpec(spec, 'spec')];
      // As Knative: a changed spec is the only error reported; an unchanged one leaves the metadata's.
      const immutable = revisionImmutable(child(old, 'spec'), spec);
      return immutable.length > 0 ? immutable : annotations;
    }
    default:
      return [];
  }
}

function validateTemplate(template: Json | undefined, autoscaler: AutoscalerConfig): FieldError[] {
  return [
    ...validateRevisionSpec(child(template, 'spec'), 'spec.template.spec'),
    ...validateAutoscalingMetadata(template?.metadata, 'spec.template.metadata', autoscaler),
  ];
}

/** A Revision is a snapshot: its spec never changes once created. */
function revisionImmutable(before: Json | undefined, after: Json | undefined): FieldError[] {
  if (jsonEqual(before, after)) return [];
  const details = createPatch(before ?? {}, after ?? {})
    .map((op) => `${op.op} spec${op.path.replace(/\//g, '.')}${'value' in op ? ` ${JSON.stringify(op.value)}` : ''}`)
    .join('\n');
  return [{ message: 'Immutable fields changed (-old +new)', paths: ['spec'], details }];
}

/** Returns the object with Knative's defaults applied (a copy; the input is left alone). */
export function defaultServing(kind: string, operation: Operation, object: Json, old: Json | undefined): Json {
  const spec = child(object, 'spec');
  if (!spec) return object;
  switch (kind) {
    case 'Service': {
      const withTemplate = defaultTemplate(spec, operation, child(old, 'spec'));
      return { ...object, spec: { ...withTemplate, traffic: defaultTraffic(spec.traffic, { defaultConfigurationName: true }) } };
    }
    case 'Configuration':
      return { ...object, spec: defaultTemplate(spec, operation, child(old, 'spec')) };
    case 'Route': {
      const traffic = defaultTraffic(spec.traffic, { defaultConfigurationName: false });
      return traffic ? { ...object, spec: { ...spec, traffic } } : object;
    }
    case 'Revision':
      // Defaulting an existing Revision would change a spec that is immutable.
      return operation === 'CREATE' ? { ...object, spec: defaultRevisionSpec(spec) } : object;
    default:
      return object;
  }
}

/**
 * Defaults `spec.template.spec`, except on an update that keeps a user-chosen template name ("bring your
 * own revision name"): defaulting then would ask for a new Revision under an old name.
 */
function defaultTemplate(spec: Json, operation: Operation, oldSpec: Json | undefined): Json {
  const template = child(spec, 'template');
  const templateSpec = child(template, 'spec');
  if (!template || !templateSpec) return spec;
  const name = child(template, 'metadata')?.name;
  const oldName = child(child(oldSpec, 'template'), 'metadata')?.name;
  if (operation === 'UPDATE' && typeof name === 'string' && name !== '' && name === oldName) return spec;
  return { ...spec, template: { ...template, spec: defaultRevisionSpec(templateSpec) } };
}
