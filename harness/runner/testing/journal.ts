// Fixtures of run-suites.test.ts, run by runSuites: requirements that write to a journal in the report
// folder when their exclusive phase begins and ends, and one that runs beside them.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { requirement, type Requirement } from '../../requirements/requirement.ts';
import type { RequirementDeclaration } from '../../requirements/types.ts';

const journal = (reportDir: string): string => join(reportDir, 'journal.log');

/** A fixture's declaration; `parallel` for the one that never holds the target. */
export const declare = (id: string, parallel = false): RequirementDeclaration => ({
  id, level: 'MUST', layer: 'serving', profile: 'conformance', title: id, upstream: 'fixture', bound: 'fixture', mutants: ['fixture'], ...(parallel ? { parallel } : {}),
});

export function readJournal(reportDir: string): string[] {
  const file = join(reportDir, 'journal.log');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

/** Holds the target alone for a while, and asks for it again inside (held already: no wait for itself). */
export function exclusivePhase(id: string): Requirement {
  return requirement(declare(id), async (ctx) => {
    await ctx.exclusive(async () => {
      appendFileSync(journal(ctx.reportDir), `enter ${id}\n`);
      await sleep(200);
      await ctx.exclusive(() => sleep(1));
      appendFileSync(journal(ctx.reportDir), `exit ${id}\n`);
    });
  });
}

/** A light load, a while long (`lightLoad`; target-lock.test.ts shows such phases side by side). */
export function lightPhase(id: string): Requirement {
  return requirement(declare(id), async (ctx) => {
    await ctx.lightLoad(async () => {
      appendFileSync(journal(ctx.reportDir), `enter ${id}\n`);
      await sleep(200);
      appendFileSync(journal(ctx.reportDir), `exit ${id}\n`);
    });
  });
}

/** Runs beside the others: writes once it sees an exclusive phase under way (or fails after 20 s). */
export function besidePhase(id: string): Requirement {
  return requirement(declare(id, true), async (ctx) => {
    for (let i = 0; i < 400; i++) {
      const lines = readJournal(ctx.reportDir);
      const entered = lines.filter((l) => l.startsWith('enter ')).length;
      if (entered > lines.length - entered) {
        appendFileSync(journal(ctx.reportDir), `beside ${id}\n`);
        return;
      }
      await sleep(50);
    }
    ctx.fail('no exclusive phase was under way while this requirement ran');
  });
}

/** Starts a k6 load outside an exclusive phase: a harness error, said before k6 runs. */
export function loadOutside(id: string): Requirement {
  return requirement(declare(id, true), async (ctx) => {
    await ctx.load({ name: 'outside', url: 'http://127.0.0.1:9/', executor: { type: 'constant-arrival-rate', rate: 1, durationSeconds: 1, preAllocatedVUs: 1, maxVUs: 1 } });
  });
}
