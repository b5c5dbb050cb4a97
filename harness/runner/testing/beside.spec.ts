import { besidePhase, loadOutside } from './journal.ts';

export const BESIDE = besidePhase('FIXTURE.BESIDE');
export const LOAD_OUTSIDE = loadOutside('FIXTURE.LOAD-OUTSIDE');
