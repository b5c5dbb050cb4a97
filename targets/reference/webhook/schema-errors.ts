import { joinPath, pointerToFieldPath, valueAt } from './field-path.ts';

/** The fields of an ajv error that @kubernetes-models validators report (localized to English). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** One schema violation, named by its field path as the API server names them. */
export interface FieldViolation {
  path: string;
  message: string;
}

/**
 * Maps validator errors to `path: message` in Kubernetes' words where it has some (`Required value`,
 * `Unsupported value: "x": supported values: ...`), ajv's otherwise (`must be string`). Errors of the
 * branches of a `oneOf` (int-or-string, quantity, Istio's exclusive fields) collapse into one.
 */
export function describeSchemaErrors(errors: readonly SchemaError[], document: unknown): FieldViolation[] {
  const byPointer = new Map<string, SchemaError[]>();
  for (const e of errors) byPointer.set(e.instancePath, [...(byPointer.get(e.instancePath) ?? []), e]);
  const out: FieldViolation[] = [];
  for (const [pointer, group] of byPointer) {
    const path = pointerToFieldPath(pointer, document);
    const oneOf = group.find((e) => e.keyword === 'oneOf');
    if (oneOf) {
      out.push({ path, message: oneOfMessage(oneOf, group) });
      continue;
    }
    for (const e of group) out.push(describe(e, path, valueAt(pointer, document)));
  }
  const seen = new Set<string>();
  return out
    .filter((v) => {
      const key = `${v.path}\u0000${v.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.path === b.path ? a.message.localeCompare(b.message) : a.path < b.path ? -1 : 1));
}

export function formatViolation(v: FieldViolation): string {
  return v.path === '' ? v.message : `${v.path}: ${v.message}`;
}

function describe(e: SchemaError, path: string, value: unknown): FieldViolation {
  switch (e.keyword) {
    case 'required':
      return { path: joinPath(path, String(e.params.missingProperty)), message: 'Required value' };
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[] | undefined) ?? [];
      return { path, message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}` };
    }
    case 'additionalProperties':
      return { path: joinPath(path, String(e.params.additionalProperty)), message: 'unknown field' };
    default:
      return { path, message: e.message ?? `fails ${e.keyword}` };
  }
}

function oneOfMessage(oneOf: SchemaError, group: SchemaError[]): string {
  const passing = oneOf.params.passingSchemas;
  if (Array.isArray(passing)) return `must validate one and only one schema (oneOf). Found ${passing.length} valid alternatives`;
  // No alternative matched: say what each would have wanted.
  const branches = group.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'not');
  if (branches.length > 0 && branches.every((e) => e.keyword === 'type')) {
    return `must be ${[...new Set(branches.map((e) => String(e.params.type)))].join(' or ')}`;
  }
  const wants = [...new Set(branches.map((e) => e.message ?? e.keyword))];
  return wants.length > 0 ? wants.join(' or ') : (oneOf.message ?? 'must match exactly one schema in oneOf');
}
