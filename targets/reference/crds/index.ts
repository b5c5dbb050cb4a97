export { installCrds, type InstallOptions } from './install.ts';
export { REFERENCE_CRDS } from './reference-crds.ts';
export type { CustomResourceDefinition, JSONSchemaProps } from './schema.ts';
