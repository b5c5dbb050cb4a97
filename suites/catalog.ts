import type { RequirementDeclaration } from '../harness/requirements/types.ts';
import { MESH } from './mesh/requirements.ts';
import { SERVING } from './serving/requirements.ts';

/** Every requirement Gauntlet knows, from every layer. */
export const REQUIREMENTS: readonly RequirementDeclaration[] = [...SERVING, ...MESH];
