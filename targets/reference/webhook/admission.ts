/**
 * AdmissionReview decisions, as pure functions: validation (schema + Knative's semantics) and defaulting
 * (Knative Serving's, as a JSONPatch).
 */
import type { AutoscalerConfig } from '../autoscaler/config.ts';
import { renderFieldErrors } from './field-error.ts';
import { createPatch } from './json-patch.ts';
import { defaultServing, validateServing, type Operation } from './knative-serving.ts';
import type { Json } from './knative-traffic.ts';
import { schemaViolations, type GroupVersionKind } from './models.ts';
import { formatViolation } from './schema-errors.ts';

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  operation: Operation;
  subResource?: string;
  name?: string;
  namespace?: string;
  object?: unknown;
  oldObject?: unknown;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { status: 'Failure'; message: string; reason?: string; code?: number };
  patchType?: 'JSONPatch';
  patch?: string;
}

/** What decisions read besides the request: the configuration in force (Knative's webhook keeps it in a config store). */
export interface AdmissionContext {
  autoscaler: AutoscalerConfig;
}

const SERVING = 'serving.knative.dev';
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** How each upstream webhook words a denial. */
function denial(group: string, lines: string[]): AdmissionResponse['status'] {
  if (group.endsWith('.istio.io')) {
    // istiod: `configuration is invalid: ...`, a Status with only a message.
    return { status: 'Failure', message: `configuration is invalid: ${lines.join('\n')}` };
  }
  // Knative: webhook.MakeErrorStatus("validation failed: %v", errs), a BadRequest.
  return { status: 'Failure', message: `validation failed: ${lines.join('\n')}`, reason: 'BadRequest', code: 400 };
}

const reviewed = (r: AdmissionRequest) => (r.operation === 'CREATE' || r.operation === 'UPDATE') && !r.subResource && isObject(r.object);

export function validateAdmission(r: AdmissionRequest, ctx: AdmissionContext): AdmissionResponse {
  if (!reviewed(r)) return { uid: r.uid, allowed: true };
  const object = r.object as Json;
  const violations = schemaViolations(r.kind, object);
  if (violations === undefined) return { uid: r.uid, allowed: true };
  const old = isObject(r.oldObject) ? r.oldObject : undefined;
  const semantic = r.kind.group === SERVING ? validateServing(r.kind.kind, r.operation, object, old, ctx.autoscaler) : [];
  const lines = [...violations.map(formatViolation), ...renderFieldErrors(semantic)];
  if (lines.length === 0) return { uid: r.uid, allowed: true };
  return { uid: r.uid, allowed: false, status: denial(r.kind.group, lines) };
}

export function mutateAdmission(r: AdmissionRequest): AdmissionResponse {
  if (!reviewed(r) || r.kind.group !== SERVING) return { uid: r.uid, allowed: true };
  const object = r.object as Json;
  const defaulted = defaultServing(r.kind.kind, r.operation, object, isObject(r.oldObject) ? r.oldObject : undefined);
  const ops = createPatch(object, defaulted);
  if (ops.length === 0) return { uid: r.uid, allowed: true };
  return { uid: r.uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') };
}
