export { installCrds, type InstallOptions } from './install.ts';
export { REFERENCE_CRDS } from './catalog.ts';
export type { CustomResourceDefinition, JSONSchemaProps } from './schema.ts';
