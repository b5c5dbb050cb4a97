import type { Command } from 'commander';
import { REQUIREMENTS } from '../../../suites/catalog.ts';
import { MUTANTS } from '../../reference/launch.ts';

export function registerCatalogs(program: Command): void {
  program
    .command('requirements')
    .description('list every requirement: id, level, layer, title, upstream clause, bound')
    .option('--json', 'as JSON')
    .action((flags: { json?: boolean }) => {
      if (flags.json) return void process.stdout.write(`${JSON.stringify(REQUIREMENTS, null, 2)}\n`);
      for (const r of REQUIREMENTS) {
        process.stdout.write(`${r.id}  ${r.level}  ${r.layer}\n  ${r.title}\n  upstream: ${r.upstream}\n  bound: ${r.bound}\n\n`);
      }
    });
  program
    .command('mutants')
    .description('list the reference\'s named defects and the requirements each must fail')
    .option('--json', 'as JSON')
    .action((flags: { json?: boolean }) => {
      if (flags.json) return void process.stdout.write(`${JSON.stringify(MUTANTS, null, 2)}\n`);
      for (const m of MUTANTS) process.stdout.write(`${m.name}\n  ${m.description}\n  must fail: ${m.mustFail.join(', ')}\n\n`);
    });
}
