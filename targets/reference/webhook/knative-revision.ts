/**
 * Knative's defaults and checks for a RevisionSpec (knative/serving pkg/apis/serving/v1 revision_defaults.go
 * and the container checks of revision_validation.go), with config-defaults' stock values. Only the defaults
 * a user sees on every object are applied: timeout, concurrency, container names.
 */
import { errMissingField, errOutOfBounds, type FieldError } from './field-error.ts';
import type { Json } from './knative-traffic.ts';

/** config-defaults: revision-timeout-seconds, container-concurrency, container-name-template. */
export const REVISION_DEFAULTS = { timeoutSeconds: 300, containerConcurrency: 0, userContainerName: 'user-container' } as const;
/** config-defaults: max-revision-timeout-seconds, container-concurrency-max-limit. */
export const REVISION_LIMITS = { maxTimeoutSeconds: 600, maxContainerConcurrency: 1000 } as const;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const nameOf = (c: unknown): string => (isObject(c) && typeof c.name === 'string' ? c.name : '');

/** Returns a defaulted copy of a RevisionSpec (the `spec` of a Revision or of a template). */
export function defaultRevisionSpec(spec: Json): Json {
  const out: Json = { ...spec };
  if (out.timeoutSeconds === undefined || out.timeoutSeconds === null || out.timeoutSeconds === 0) {
    out.timeoutSeconds = REVISION_DEFAULTS.timeoutSeconds;
  }
  if (out.containerConcurrency === undefined || out.containerConcurrency === null) {
    out.containerConcurrency = REVISION_DEFAULTS.containerConcurrency;
  }
  const containers = copyList(out.containers);
  const initContainers = copyList(out.initContainers);
  const taken = new Set([...(containers ?? []), ...(initContainers ?? [])].map(nameOf).filter((n) => n !== ''));
  if (containers) {
    nameContainers(containers, taken, REVISION_DEFAULTS.userContainerName);
    out.containers = containers;
  }
  if (initContainers) {
    nameContainers(initContainers, taken, 'init-container');
    out.initContainers = initContainers;
  }
  return out;
}

const copyList = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? (v as unknown[]).map((c) => (isObject(c) ? { ...c } : c)) : undefined);

/**
 * Unnamed containers get the default name; with several containers (or a clash with a name the user gave)
 * a numeric suffix is added, skipping names already taken.
 */
function nameContainers(containers: unknown[], taken: Set<string>, base: string): void {
  let suffix = 0;
  for (const c of containers) {
    if (!isObject(c) || nameOf(c) !== '') continue;
    let name = base;
    if (containers.length > 1 || taken.has(name)) {
      do name = `${base}-${suffix++}`;
      while (taken.has(name));
    }
    c.name = name;
    taken.add(name);
  }
}

/** Knative's checks the schema does not express; `at` is the path of the RevisionSpec. */
export function validateRevisionSpec(spec: unknown, at: string): FieldError[] {
  if (!isObject(spec)) return [];
  const errors: FieldError[] = [];
  const { timeoutSeconds, containerConcurrency, containers } = spec;
  if (typeof timeoutSeconds === 'number' && timeoutSeconds !== 0 && (timeoutSeconds < 0 || timeoutSeconds > REVISION_LIMITS.maxTimeoutSeconds)) {
    errors.push(errOutOfBounds(timeoutSeconds, 0, REVISION_LIMITS.maxTimeoutSeconds, `${at}.timeoutSeconds`));
  }
  if (typeof containerConcurrency === 'number' && (containerConcurrency < 0 || containerConcurrency > REVISION_LIMITS.maxContainerConcurrency)) {
    errors.push(errOutOfBounds(containerConcurrency, 0, REVISION_LIMITS.maxContainerConcurrency, `${at}.containerConcurrency`));
  }
  if (Array.isArray(containers) && containers.length === 0) errors.push(errMissingField(`${at}.containers`));
  if (Array.isArray(containers)) {
    containers.forEach((c, i) => {
      if (isObject(c) && (c.image === undefined || c.image === '')) errors.push(errMissingField(`${at}.containers[${i}].image`));
    });
  }
  return errors;
}
