import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../../lib/process/process-alive.ts';

const PREFIX = 'gauntlet-reference-';


/**
 * A fresh state dir named after this process. Dirs left by references that died without cleaning up
 * (SIGKILL) are removed first: their owner's pid is in the name.
 */
export function createStateDir(): string {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(/^gauntlet-reference-(\d+)-/.exec(name)?.[1]);
    if (pid && !processAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
  return mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
}
