/**
 * CustomResourceDefinitions as plain JSON, spelled exactly as the API server reads them (`x-kubernetes-*`,
 * `enum`, `default`), plus small builders for structural OpenAPI v3 schemas.
 *
 * client-node's typed models rename those keys (`x_kubernetes_preserve_unknown_fields`, `_enum`), so these
 * objects are sent as raw JSON (see kube-http.ts), never through its serializer.
 */

export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: (string | number | boolean)[];
  default?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
}

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema: { openAPIV3Schema: JSONSchemaProps };
  subresources?: { status?: Record<string, never> };
  additionalPrinterColumns?: PrinterColumn[];
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames?: string[]; categories?: string[] };
    scope: 'Namespaced' | 'Cluster';
    versions: CrdVersion[];
    conversion?: { strategy: 'None' };
  };
}

/** Label on every CRD the reference installs (beside each upstream's own labels). */
export const PART_OF_LABEL = { 'app.kubernetes.io/part-of': 'gauntlet-reference' } as const;

export interface CrdOptions {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames?: string[];
  categories?: string[];
  scope?: 'Namespaced' | 'Cluster';
  labels?: Record<string, string>;
  versions: CrdVersion[];
}

export function defineCrd(o: CrdOptions): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${o.plural}.${o.group}`, labels: { ...o.labels, ...PART_OF_LABEL } },
    spec: {
      group: o.group,
      names: {
        kind: o.kind,
        listKind: `${o.kind}List`,
        plural: o.plural,
        singular: o.singular,
        ...(o.shortNames ? { shortNames: o.shortNames } : {}),
        ...(o.categories ? { categories: o.categories } : {}),
      },
      scope: o.scope ?? 'Namespaced',
      versions: o.versions,
    },
  };
}

export interface VersionOptions {
  served?: boolean;
  storage: boolean;
  deprecationWarning?: string;
  statusSubresource: boolean;
  columns?: PrinterColumn[];
  spec: JSONSchemaProps;
  status?: JSONSchemaProps;
}

export function version(name: string, o: VersionOptions): CrdVersion {
  return {
    name,
    served: o.served ?? true,
    storage: o.storage,
    ...(o.deprecationWarning ? { deprecated: true, deprecationWarning: o.deprecationWarning } : {}),
    schema: { openAPIV3Schema: topLevel(o.spec, o.status ?? preserveUnknown()) },
    ...(o.statusSubresource ? { subresources: { status: {} } } : {}),
    ...(o.columns ? { additionalPrinterColumns: o.columns } : {}),
  };
}

function topLevel(spec: JSONSchemaProps, status: JSONSchemaProps): JSONSchemaProps {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec,
      status,
    },
  };
}

// ---- builders for structural schemas ----

/** An object whose fields the API server keeps as they are (validated by the admission webhook instead). */
export function preserveUnknown(description?: string): JSONSchemaProps {
  return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, ...(description ? { description } : {}) };
}

export function obj(properties: Record<string, JSONSchemaProps>, required?: string[]): JSONSchemaProps {
  return { type: 'object', properties, ...(required && required.length > 0 ? { required } : {}) };
}

/** An object with some fields typed and the rest kept as they are (e.g. the rest of an embedded PodSpec). */
export function openObj(properties: Record<string, JSONSchemaProps>, required?: string[]): JSONSchemaProps {
  return { ...obj(properties, required), 'x-kubernetes-preserve-unknown-fields': true };
}

export const str = (extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps => ({ type: 'string', ...extra });
export const bool = (): JSONSchemaProps => ({ type: 'boolean' });
export const int32 = (extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps => ({ type: 'integer', format: 'int32', ...extra });
export const int64 = (extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps => ({ type: 'integer', format: 'int64', ...extra });
export const int = (extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps => ({ type: 'integer', ...extra });
export const oneOfStrings = (...values: string[]): JSONSchemaProps => ({ type: 'string', enum: values });
export const arrayOf = (items: JSONSchemaProps): JSONSchemaProps => ({ type: 'array', items });
export const stringList = (): JSONSchemaProps => arrayOf(str());
export const stringMap = (): JSONSchemaProps => ({ type: 'object', additionalProperties: str() });
export const mapOf = (values: JSONSchemaProps): JSONSchemaProps => ({ type: 'object', additionalProperties: values });

// ---- printer columns shared by many kinds ----

export const col = (name: string, jsonPath: string, type: PrinterColumn['type'] = 'string', extra: Partial<PrinterColumn> = {}): PrinterColumn => ({
  name,
  type,
  jsonPath,
  ...extra,
});
export const AGE = col('Age', '.metadata.creationTimestamp', 'date');
