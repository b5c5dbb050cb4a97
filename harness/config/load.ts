import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { UserError } from '../../lib/errors.ts';
import { ConfigSchema, type ResolvedConfig } from './schema.ts';

export const CONFIG_FILE = 'gauntlet.config.ts';

function describeIssue(file: string, issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return `${file}: ${field}: ${issue.message}`;
}

export function parseConfig(file: string, value: unknown): ResolvedConfig {
  const parsed = ConfigSchema.safeParse(value ?? {});
  if (!parsed.success) throw new UserError(parsed.error.issues.map((i) => describeIssue(file, i)).join('; '));
  return parsed.data;
}

/** Loads `gauntlet.config.ts` from `dir` (or the file named), or the defaults when there is none. */
export async function loadConfig(dir: string, explicit?: string): Promise<{ config: ResolvedConfig; file: string | null }> {
  const file = resolve(dir, explicit ?? CONFIG_FILE);
  if (!existsSync(file)) {
    if (explicit) throw new UserError(`config ${explicit}: no such file`);
    return { config: parseConfig(CONFIG_FILE, {}), file: null };
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    throw new UserError(`${file}: could not be loaded: ${(e as Error).message.split('\n')[0]}`);
  }
  if (mod.default === undefined) throw new UserError(`${file}: has no default export; write \`export default defineConfig({ ... })\``);
  return { config: parseConfig(file, mod.default), file };
}
