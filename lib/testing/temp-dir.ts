import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder for a test, and how to remove it. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `gauntlet-test-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
