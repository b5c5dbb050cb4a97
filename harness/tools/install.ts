import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { execa } from 'execa';
import type { ToolSpec } from './catalog.ts';
import { toolDir } from './cache.ts';
import { resolveBinary } from './resolve.ts';

const RECIPES = fileURLToPath(new URL('./recipes/', import.meta.url));

export interface InstallReport {
  tool: string;
  version: string;
  action: 'present' | 'installed';
  seconds: number;
}

/** Installs a tool into the cache unless every binary of it already resolves at the pinned version. */
export async function ensureTool(tool: ToolSpec, log: (line: string) => void): Promise<InstallReport> {
  const started = Date.now();
  const statuses = await Promise.all(tool.binaries.map((b) => resolveBinary(b.name)));
  if (statuses.every((s) => s.found)) {
    return { tool: tool.name, version: tool.version, action: 'present', seconds: 0 };
  }
  for (const cmd of tool.needs) {
    const r = await execa(cmd, ['version'], { reject: false });
    if (r.failed) throw new Error(`${tool.name} needs \`${cmd}\` on PATH to build; install it and run \`npx gauntlet setup\` again`);
  }
  const out = toolDir(tool.name, tool.version);
  mkdirSync(out, { recursive: true });
  log(`${tool.name} ${tool.version}: ${tool.cost}; into ${out}`);
  const child = execa('bash', [join(RECIPES, tool.recipe), tool.version, out], { all: true, buffer: false });
  child.all?.setEncoding('utf8');
  let partial = '';
  child.all?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('[')) log(`  ${line}`);
  });
  await child;
  const after = await Promise.all(tool.binaries.map((b) => resolveBinary(b.name)));
  const bad = after.find((s) => !s.found);
  if (bad && !bad.found) throw new Error(`${tool.name} built but ${bad.binary} does not check out: ${bad.problem}`);
  return { tool: tool.name, version: tool.version, action: 'installed', seconds: Math.round((Date.now() - started) / 1000) };
}
