import { Option, type Command } from 'commander';
import { PROFILES, catalogOf, discoverSpecs, type Profile } from '../../harness/index.ts';
import { MUTANTS } from '../../targets/reference/index.ts';
import { ROOT } from '../root.ts';
import { join } from 'node:path';

const catalog = async () => catalogOf(await discoverSpecs(join(ROOT, 'suites')));

export function registerLists(program: Command): void {
  program
    .command('requirements')
    .description('list every requirement: id, level, layer, profile, title, upstream clause, bound, the mutants it must fail')
    .addOption(new Option('--profile <profile>', 'only conformance or only operational requirements').choices(PROFILES))
    .option('--json', 'as JSON')
    .action(async (flags: { json?: boolean; profile?: Profile }) => {
      const requirements = (await catalog()).filter((r) => flags.profile === undefined || r.profile === flags.profile);
      if (flags.json) return void process.stdout.write(`${JSON.stringify(requirements, null, 2)}\n`);
      for (const r of requirements) {
        process.stdout.write(`${r.id}  ${r.level}  ${r.layer}  ${r.profile}\n  ${r.title}\n  upstream: ${r.upstream}\n  bound: ${r.bound}\n  must fail against: ${r.mutants.join(', ')}\n\n`);
      }
    });
  program
    .command('mutants')
    .description('list the reference\'s named defects and the requirements that must fail against each')
    .option('--json', 'as JSON')
    .action(async (flags: { json?: boolean }) => {
      const requirements = await catalog();
      const killing = (name: string) =>
        requirements.flatMap((r) => r.mutants.filter((m) => m.split('=', 1)[0] === name).map((m) => (m === name ? r.id : `${r.id} (at ${m})`)));
      if (flags.json) {
        return void process.stdout.write(`${JSON.stringify(MUTANTS.map((m) => ({ ...m, mustFail: killing(m.name) })), null, 2)}\n`);
      }
      for (const m of MUTANTS) {
        const p = 'parameter' in m ? `=${m.parameter.name.toUpperCase()}  (${m.parameter.unit}, ${m.parameter.min}-${m.parameter.max}, default ${m.parameter.default})` : '';
        process.stdout.write(`${m.name}${p}\n  ${m.description}\n  must fail: ${killing(m.name).join(', ') || '(no requirement names it)'}\n\n`);
      }
    });
}
