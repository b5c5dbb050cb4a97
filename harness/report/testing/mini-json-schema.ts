// A validator for the subset of JSON Schema 2020-12 that z.toJSONSchema emits for RunReportSchema, for tests
// only: it lets a test check results.schema.json itself, without adding a dependency. Unknown keywords throw.
type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'format']);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function hasType(v: unknown, type: string): boolean {
  const t = typeOf(v);
  return t === type || (type === 'number' && t === 'integer');
}

export function validateJsonSchema(schema: Schema, value: unknown, path = '$'): string[] {
  const errors: string[] = [];
  const fail = (msg: string): void => void errors.push(`${path}: ${msg}`);
  for (const [keyword, arg] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    switch (keyword) {
      case 'type': {
        const types = Array.isArray(arg) ? (arg as string[]) : [arg as string];
        if (!types.some((t) => hasType(value, t))) fail(`expected ${types.join('|')}`);
        break;
      }
      case 'const':
        if (value !== arg) fail(`expected ${JSON.stringify(arg)}`);
        break;
      case 'enum':
        if (!(arg as unknown[]).includes(value)) fail(`not one of ${JSON.stringify(arg)}`);
        break;
      case 'anyOf':
        if (!(arg as Schema[]).some((s) => validateJsonSchema(s, value, path).length === 0)) fail('matches no anyOf branch');
        break;
      case 'minimum':
        if (typeof value === 'number' && value < (arg as number)) fail(`below ${String(arg)}`);
        break;
      case 'maximum':
        if (typeof value === 'number' && value > (arg as number)) fail(`above ${String(arg)}`);
        break;
      case 'minLength':
        if (typeof value === 'string' && [...value].length < (arg as number)) fail('too short');
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(arg as string, 'u').test(value)) fail(`does not match ${String(arg)}`);
        break;
      case 'items':
        if (Array.isArray(value)) value.forEach((v, i) => errors.push(...validateJsonSchema(arg as Schema, v, `${path}[${i}]`)));
        break;
      case 'required':
        if (typeOf(value) === 'object') for (const k of arg as string[]) if (!(k in (value as object))) fail(`missing ${k}`);
        break;
      case 'properties':
      case 'additionalProperties':
      case 'propertyNames':
        if (typeOf(value) === 'object') errors.push(...validateObject(schema, keyword, value as Record<string, unknown>, path));
        break;
      default:
        throw new Error(`mini-json-schema: unsupported keyword ${keyword} at ${path}`);
    }
  }
  return errors;
}

function validateObject(schema: Schema, keyword: string, value: Record<string, unknown>, path: string): string[] {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const errors: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const sub = `${path}.${k}`;
    if (keyword === 'properties' && properties[k]) errors.push(...validateJsonSchema(properties[k], v, sub));
    if (keyword === 'propertyNames') errors.push(...validateJsonSchema(schema.propertyNames as Schema, k, sub));
    if (keyword === 'additionalProperties' && !(k in properties)) {
      const extra = schema.additionalProperties;
      if (extra === false) errors.push(`${sub}: not allowed`);
      else if (typeof extra === 'object' && extra !== null) errors.push(...validateJsonSchema(extra as Schema, v, sub));
    }
  }
  return errors;
}
