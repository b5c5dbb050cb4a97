import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { TOOLS, toolOfBinary, type BinarySpec, type ToolSpec } from './pinned.ts';
import { toolDir } from './cache.ts';

export type BinaryStatus =
  | { binary: string; tool: ToolSpec; found: true; path: string; source: 'env' | 'cache' | 'path'; version: string }
  | { binary: string; tool: ToolSpec; found: false; problem: string };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable called `name` on PATH. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

async function versionOf(path: string, spec: BinarySpec): Promise<string | undefined> {
  const r = await execa(path, spec.versionArgs, { reject: false, timeout: 15_000, all: true });
  // Some binaries (envoy) print their own path first, and a path may hold a version number of its own:
  // what follows "version:" wins.
  const out = (r.all ?? '').replaceAll(path, '');
  return (/version:?\s+\S*?v?(\d+\.\d+\.\d+)/i.exec(out) ?? /v?(\d+\.\d+\.\d+)/.exec(out))?.[1];
}

export async function resolveBinary(binary: string): Promise<BinaryStatus> {
  const tool = toolOfBinary(binary);
  if (!tool) throw new Error(`no pinned tool (lib/tools/pinned.ts) ships a binary named ${binary}`);
  const spec = tool.binaries.find((b) => b.name === binary)!;
  const candidates: { path: string; source: 'env' | 'cache' | 'path' }[] = [];
  const fromEnv = process.env[spec.env];
  if (fromEnv) candidates.push({ path: fromEnv, source: 'env' });
  candidates.push({ path: join(toolDir(tool.name, tool.version), 'bin', binary), source: 'cache' });
  const inPath = onPath(binary);
  if (inPath) candidates.push({ path: inPath, source: 'path' });
  const problems: string[] = [];
  for (const c of candidates) {
    if (!executable(c.path)) {
      if (c.source === 'env') problems.push(`${spec.env}=${c.path} is not an executable file`);
      continue;
    }
    const version = await versionOf(c.path, spec);
    if (version === tool.version) return { binary, tool, found: true, path: c.path, source: c.source, version };
    problems.push(`${c.path} is version ${version ?? 'unknown'}, not ${tool.version}`);
  }
  return { binary, tool, found: false, problem: problems.join('; ') || 'not installed' };
}

export async function resolveAll(): Promise<BinaryStatus[]> {
  return Promise.all(TOOLS.flatMap((t) => t.binaries.map((b) => resolveBinary(b.name))));
}

/** Paths of the named binaries, or an error that says how to get the missing ones. */
export async function requireBinaries(names: string[]): Promise<Record<string, string>> {
  const statuses = await Promise.all(names.map((n) => resolveBinary(n)));
  const missing = statuses.filter((s) => !s.found);
  if (missing.length > 0) {
    const list = missing.map((m) => `${m.binary} ${m.tool.version} (${m.found ? '' : m.problem})`).join(', ');
    throw new MissingToolsError(`missing tools: ${list}. Run \`npx gauntlet setup\` to build them (see \`npx gauntlet doctor\`).`);
  }
  return Object.fromEntries(statuses.map((s) => [s.binary, s.found ? s.path : '']));
}

/** Tools a run needs are not installed: the CLI exits 2 with this message, which says how to get them. */
export class MissingToolsError extends Error {
  override name = 'MissingToolsError';
}
