import { exclusivePhase } from './journal.ts';

export const EXCLUSIVE_A = exclusivePhase('FIXTURE.EXCLUSIVE-A');
