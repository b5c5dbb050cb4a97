import { lightPhase } from './journal.ts';

export const LIGHT_B = lightPhase('FIXTURE.LIGHT-B');
