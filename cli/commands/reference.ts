import type { Command } from 'commander';
import { targetFor } from '../target.ts';
import { launchReference } from '../../targets/reference/index.ts';
import { progress } from '../output.ts';

export function registerReference(program: Command): void {
  const reference = program.command('reference').description('the reference target');
  reference
    .command('up')
    .description('start the reference in the foreground, print its kubeconfig, stop cleanly on Ctrl-C')
    .option('--mutant <name>', 'start it with a named defect (see `gauntlet mutants`)')
    .option('--no-warm-runtimes', 'spawn every container\'s process: no pre-booted Node processes for Node programs')
    .action(async (flags: { mutant?: string; warmRuntimes: boolean }) => {
      await targetFor({ kind: 'reference', mutant: flags.mutant }).preflight();
      const ref = await launchReference({
        mutants: flags.mutant ? [flags.mutant] : [], progress: (l) => progress(l, true), ...(flags.warmRuntimes ? {} : { warmRuntimes: 0 }),
      });
      process.stdout.write(
        [
          `reference up in ${(ref.startupMs / 1000).toFixed(1)} s${flags.mutant ? ` with mutant ${flags.mutant}` : ''}`,
          `kubeconfig: ${ref.kubeconfig}`,
          `logs: ${ref.logDir}`,
          '',
          `  export KUBECONFIG=${ref.kubeconfig}`,
          '  kubectl get ksvc,pods,crds -A',
          `  npx gauntlet run --target kubeconfig --kubeconfig ${ref.kubeconfig}`,
          '',
          'Ctrl-C stops it.',
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => resolve());
      });
      progress('stopping the reference', true);
      await ref.stop();
      progress('stopped', true);
    });
}
