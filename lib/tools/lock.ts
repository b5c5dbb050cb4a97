import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from '../process/process-alive.ts';


/**
 * Holds `dir` (created atomically with mkdir) while `work` runs, so that two setups on one machine do not
 * build into the same cache folder at once; a lock whose owner died is taken over.
 */
export async function withLock<T>(dir: string, waiting: (owner: number) => void, work: () => Promise<T>): Promise<T> {
  let told = false;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = 0;
      try {
        owner = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      } catch {
        // being written, or left half-made
      }
      if (owner && !processAlive(owner)) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (!told && owner) {
        waiting(owner);
        told = true;
      }
      await sleep(1000);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
