import { homedir } from 'node:os';
import { join } from 'node:path';

/** Per-user cache shared by every clone on the machine: `$GAUNTLET_CACHE_DIR`, else `$XDG_CACHE_HOME/gauntlet`. */
export function cacheRoot(): string {
  const explicit = process.env.GAUNTLET_CACHE_DIR;
  if (explicit) return explicit;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gauntlet');
}

export function toolDir(name: string, version: string): string {
  return join(cacheRoot(), 'tools', name, version);
}
