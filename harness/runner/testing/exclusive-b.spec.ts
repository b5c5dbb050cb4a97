import { exclusivePhase } from './journal.ts';

export const EXCLUSIVE_B = exclusivePhase('FIXTURE.EXCLUSIVE-B');
