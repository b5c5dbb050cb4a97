import { lightPhase } from './journal.ts';

lightPhase('FIXTURE.LIGHT-A');
