import type { RequirementDeclaration } from '../../harness/requirements/types.ts';
import { AUTHZ_REQUIREMENTS } from './authz/requirements.ts';
import { FAULTS } from './faults/requirements.ts';
import { GATEWAY } from './gateway/requirements.ts';
import { MTLS } from './mtls/requirements.ts';
import { RESILIENCE } from './resilience/requirements.ts';
import { ROUTING } from './routing/requirements.ts';

/** The mesh layer's requirements, each declared once; the spec files implement them by id. */
export const MESH: readonly RequirementDeclaration[] = [...MTLS, ...AUTHZ_REQUIREMENTS, ...ROUTING, ...GATEWAY, ...FAULTS, ...RESILIENCE];
