import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { execa } from 'execa';
import type { ToolSpec } from './pinned.ts';
import { toolDir } from './cache.ts';
import { MissingToolsError, onPath, resolveBinary } from './resolve.ts';
import { withLock } from './lock.ts';

const RECIPES = fileURLToPath(new URL('./recipes/', import.meta.url));

export interface InstallReport {
  tool: string;
  version: string;
  action: 'present' | 'installed';
  seconds: number;
}

/** Installs a tool into the cache unless every binary of it already resolves at the pinned version. */
export async function ensureTool(tool: ToolSpec, log: (line: string) => void): Promise<InstallReport> {
  const out = toolDir(tool.name, tool.version);
  mkdirSync(dirname(out), { recursive: true });
  return withLock(`${out}.lock`, (pid) => log(`${tool.name} ${tool.version}: another setup (pid ${pid}) is installing it; waiting`), () =>
    install(tool, out, log),
  );
}

async function install(tool: ToolSpec, out: string, log: (line: string) => void): Promise<InstallReport> {
  const started = Date.now();
  const statuses = await Promise.all(tool.binaries.map((b) => resolveBinary(b.name)));
  if (statuses.every((s) => s.found)) {
    return { tool: tool.name, version: tool.version, action: 'present', seconds: 0 };
  }
  for (const cmd of tool.needs) {
    if (!onPath(cmd)) throw new MissingToolsError(`${tool.name} needs \`${cmd}\` on PATH to build; install it and run \`npx gauntlet setup\` again`);
  }
  mkdirSync(out, { recursive: true });
  log(`${tool.name} ${tool.version}: ${tool.cost}; into ${out}`);
  const child = execa('bash', [join(RECIPES, tool.recipe), tool.version, out], { all: true, buffer: false });
  child.all?.setEncoding('utf8');
  let partial = '';
  const tail: string[] = [];
  child.all?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('[')) log(`  ${line}`);
      tail.push(line);
      if (tail.length > 20) tail.shift();
    }
  });
  try {
    await child;
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    throw new MissingToolsError(`building ${tool.name} ${tool.version} failed (exit ${code ?? '?'}): ${tail.filter(Boolean).slice(-3).join(' | ')}`);
  }
  const after = await Promise.all(tool.binaries.map((b) => resolveBinary(b.name)));
  const bad = after.find((s) => !s.found);
  if (bad && !bad.found) throw new Error(`${tool.name} built but ${bad.binary} does not check out: ${bad.problem}`);
  return { tool: tool.name, version: tool.version, action: 'installed', seconds: Math.round((Date.now() - started) / 1000) };
}
