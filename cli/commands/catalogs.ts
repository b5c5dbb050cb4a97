import type { Command } from 'commander';
import { REQUIREMENTS } from '../../suites/catalog.ts';
import { MUTANTS, type Mutant } from '../../targets/reference/launch.ts';

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
      for (const m of MUTANTS as readonly Mutant[]) {
        const p = m.parameter ? `=${m.parameter.name.toUpperCase()}  (${m.parameter.unit}, ${m.parameter.min}-${m.parameter.max}, default ${m.parameter.default})` : '';
        const fails = m.mustFail.length > 0 ? m.mustFail.join(', ') : '(its requirements are not written yet)';
        process.stdout.write(`${m.name}${p}\n  ${m.description}\n  must fail: ${fails}\n\n`);
      }
    });
}
