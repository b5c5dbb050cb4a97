import type { Command } from 'commander';
import { TOOLS } from '../../lib/tools/pinned.ts';
import { resolveAll } from '../../lib/tools/resolve.ts';
import { ensureTool } from '../../lib/tools/install.ts';
import { toolDir } from '../../lib/tools/cache.ts';

export function registerTools(program: Command): void {
  program
    .command('setup')
    .description('install every external tool into the per-user cache (built once per machine, then reused)')
    .action(async () => {
      const started = Date.now();
      for (const tool of TOOLS) {
        const r = await ensureTool(tool, (line) => process.stderr.write(`${line}\n`));
        process.stderr.write(`${tool.name} ${tool.version}: ${r.action === 'present' ? 'present' : `installed in ${r.seconds} s`}\n`);
      }
      process.stderr.write(`setup done in ${Math.round((Date.now() - started) / 1000)} s\n`);
    });
  program
    .command('doctor')
    .description('list every external tool: its version and where it was found, or what is missing and how to get it')
    .action(async () => {
      const statuses = await resolveAll();
      let missing = 0;
      for (const s of statuses) {
        if (s.found) {
          process.stdout.write(`ok       ${s.binary.padEnd(26)} ${s.version.padEnd(9)} ${s.source}: ${s.path}\n`);
        } else {
          missing += 1;
          process.stdout.write(
            `missing  ${s.binary.padEnd(26)} ${s.tool.version.padEnd(9)} ${s.problem}\n` +
              `         get it: npx gauntlet setup (${s.tool.cost}; into ${toolDir(s.tool.name, s.tool.version)}), or set ${s.tool.binaries.find((b) => b.name === s.binary)?.env ?? ''} to a ${s.tool.version} binary\n`,
          );
        }
      }
      if (missing > 0) process.exitCode = 2;
    });
}
