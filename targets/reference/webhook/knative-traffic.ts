/**
 * Knative's rules for `spec.traffic` of a Route or a Service (knative/serving pkg/apis/serving/v1
 * route_validation.go and route_defaults.go). Within a Service, targets may leave out configurationName: the
 * Service's own Configuration is meant ("default configuration name").
 */
import {
  errDisallowedFields,
  errInvalidKeyName,
  errInvalidValue,
  errMissingOneOf,
  errMultipleOneOf,
  errOutOfBounds,
  type FieldError,
} from './field-error.ts';

export type Json = Record<string, unknown>;

export interface TrafficContext {
  /** True within a Service: targets refer to its Configuration without naming it. */
  defaultConfigurationName: boolean;
}

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const QUALIFIED_NAME_MESSAGE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const asObject = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

function qualifiedNameProblem(name: string): string | undefined {
  const part = name.includes('/') ? name.slice(name.lastIndexOf('/') + 1) : name;
  if (part.length > 63) return 'name part must be no more than 63 characters';
  return QUALIFIED_NAME.test(part) ? undefined : QUALIFIED_NAME_MESSAGE;
}

/** The errors of a traffic list in a spec; paths start at `spec.traffic`. */
export function validateTraffic(traffic: unknown, ctx: TrafficContext): FieldError[] {
  const base = 'spec.traffic';
  const targets = Array.isArray(traffic) ? traffic.map(asObject) : [];
  const errors: FieldError[] = [];
  const tags = new Map<string, number>();
  let sum = 0;
  targets.forEach((t, i) => {
    const at = (field: string) => `${base}[${i}].${field}`;
    errors.push(...validateTarget(t, ctx, at));
    if (typeof t.percent === 'number') sum += t.percent;
    const tag = str(t.tag);
    if (tag === '') return;
    if (!DNS1035_LABEL.test(tag) || tag.length > 63) errors.push(errInvalidValue(`not a DNS 1035 label: [${DNS1035_MESSAGE}]`, at('tag')));
    const first = tags.get(tag);
    if (first !== undefined) errors.push({ message: `Multiple definitions for ${JSON.stringify(tag)}`, paths: [at('tag'), `${base}[${first}].tag`] });
    else tags.set(tag, i);
  });
  if (sum !== 100) errors.push({ message: `Traffic targets sum to ${sum}, want 100`, paths: [base] });
  return errors;
}

function validateTarget(t: Json, ctx: TrafficContext, at: (field: string) => string): FieldError[] {
  const errors: FieldError[] = [];
  const revisionName = str(t.revisionName);
  const configurationName = str(t.configurationName);
  // Each target either pins a revision or follows the latest one, never both, never neither.
  if (typeof t.latestRevision === 'boolean' && (revisionName !== '') === t.latestRevision) {
    errors.push({
      message: `may not set revisionName ${JSON.stringify(revisionName)} when latestRevision is ${t.latestRevision}`,
      paths: [at('latestRevision')],
    });
  }
  if (ctx.defaultConfigurationName && configurationName !== '') {
    errors.push(errDisallowedFields(at('configurationName')));
  } else if (revisionName !== '' && configurationName !== '') {
    errors.push(errMultipleOneOf(at('revisionName'), at('configurationName')));
  } else if (revisionName !== '') {
    const problem = qualifiedNameProblem(revisionName);
    if (problem) errors.push(errInvalidKeyName(revisionName, at('revisionName'), problem));
  } else if (configurationName !== '') {
    const problem = qualifiedNameProblem(configurationName);
    if (problem) errors.push(errInvalidKeyName(configurationName, at('configurationName'), problem));
  } else if (!ctx.defaultConfigurationName) {
    errors.push(errMissingOneOf(at('revisionName'), at('configurationName')));
  }
  if (typeof t.percent === 'number' && (t.percent < 0 || t.percent > 100)) errors.push(errOutOfBounds(t.percent, 0, 100, at('percent')));
  if (str(t.url) !== '') errors.push(errDisallowedFields(at('url')));
  return errors;
}

/**
 * Knative's defaults for a traffic list: within a Service, none means all traffic to the latest revision;
 * each target follows the latest revision unless it pins one, and carries an explicit percent.
 */
export function defaultTraffic(traffic: unknown, ctx: TrafficContext): Json[] | undefined {
  const targets = Array.isArray(traffic) ? traffic.map((t) => ({ ...asObject(t) })) : [];
  if (targets.length === 0) return ctx.defaultConfigurationName ? [{ percent: 100, latestRevision: true }] : undefined;
  for (const t of targets) {
    if (t.latestRevision === undefined || t.latestRevision === null) t.latestRevision = str(t.revisionName) === '';
    if (t.percent === undefined || t.percent === null) t.percent = 0;
  }
  return targets;
}
