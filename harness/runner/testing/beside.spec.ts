import { besidePhase, loadOutside } from './journal.ts';

besidePhase('FIXTURE.BESIDE');
loadOutside('FIXTURE.LOAD-OUTSIDE');
