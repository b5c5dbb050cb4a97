import { lightPhase } from './journal.ts';

export const LIGHT_A = lightPhase('FIXTURE.LIGHT-A');
