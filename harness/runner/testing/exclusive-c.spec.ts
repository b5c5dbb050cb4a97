import { exclusivePhase } from './journal.ts';

exclusivePhase('FIXTURE.EXCLUSIVE-C');
