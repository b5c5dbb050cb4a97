/**
 * Knative's checks of a revision's autoscaling annotations (autoscaling.ValidateAnnotations), made with the
 * config-autoscaler its webhook holds: on a Service's or Configuration's `spec.template.metadata` and on a
 * Revision's own `metadata`.
 */
import { autoscalingAnnotationProblems } from '../autoscaler/annotations.ts';
import type { AutoscalerConfig } from '../autoscaler/config.ts';
import type { FieldError } from './field-error.ts';
import type { Json } from './knative-traffic.ts';

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * `at` is the path of the metadata. Knative joins the key to the path with a dot, unbracketed:
 * `spec.template.metadata.annotations.autoscaling.knative.dev/min-scale`.
 */
export function validateAutoscalingMetadata(metadata: unknown, at: string, config: AutoscalerConfig): FieldError[] {
  const raw = isObject(metadata) && isObject(metadata.annotations) ? metadata.annotations : {};
  const annotations = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return autoscalingAnnotationProblems(annotations, config).map((p) => ({
    message: p.message,
    paths: p.keys.map((key) => `${at}.annotations.${key}`),
  }));
}
