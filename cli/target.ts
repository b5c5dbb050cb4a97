import { loadKubeconfig, type TargetKind, type TargetProvider } from '../harness/index.ts';
import { UserError } from '../lib/errors.ts';
import { requireBinaries } from '../lib/tools/resolve.ts';
import { launchReference, parseMutant, REFERENCE_BINARIES } from '../targets/reference/index.ts';

export interface TargetOptions {
  kind: TargetKind;
  kubeconfig?: string | undefined;
  context?: string | undefined;
  mutant?: string | undefined;
}

/** The run's target from the configuration; flags that make no sense together are refused before anything starts. */
export function targetFor(o: TargetOptions): TargetProvider {
  if (o.mutant !== undefined) {
    const parsed = parseMutant(o.mutant);
    if ('error' in parsed) throw new UserError(`--mutant ${o.mutant}: ${parsed.error}`);
  }
  if (o.mutant !== undefined && o.kind !== 'reference') throw new UserError(`--mutant needs --target reference (mutants are defects of the reference)`);
  if (o.kind === 'kubeconfig' && !o.kubeconfig) throw new UserError('--target kubeconfig needs --kubeconfig FILE');
  if (o.kind === 'kubeconfig') loadKubeconfig(o.kubeconfig!, o.context);
  if (o.kind === 'kind') {
    throw new UserError('--target kind: bringing up kind clusters is not built yet; start one yourself and use --target kubeconfig --kubeconfig FILE');
  }
  if (o.kind === 'reference') {
    return {
      kind: 'reference',
      preflight: async () => void (await requireBinaries(REFERENCE_BINARIES)),
      async bringUp({ logDir, progress }) {
        progress('starting the reference target');
        const ref = await launchReference({ mutants: o.mutant ? [o.mutant] : [], logDir, progress });
        return { kind: 'reference', kubeconfig: ref.kubeconfig, context: null, versions: ref.versions, startupMs: ref.startupMs, disposable: true, stop: () => ref.stop() };
      },
    };
  }
  return {
    kind: o.kind,
    preflight: () => Promise.resolve(),
    bringUp: () => Promise.resolve({ kind: o.kind, kubeconfig: o.kubeconfig!, context: o.context ?? null, versions: {}, startupMs: 0, disposable: false, stop: () => Promise.resolve() }),
  };
}
