import { exclusivePhase } from './journal.ts';

export const EXCLUSIVE_C = exclusivePhase('FIXTURE.EXCLUSIVE-C');
