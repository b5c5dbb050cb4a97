import type { TargetKind } from '../harness/config/schema.ts';
import { launchReference, parseMutant, REFERENCE_BINARIES } from '../targets/reference/launch.ts';
import { requireBinaries } from '../lib/tools/resolve.ts';
import { loadKubeconfig } from '../harness/cluster/connect.ts';
import { UserError } from '../lib/errors.ts';

export interface TargetHandle {
  kind: TargetKind;
  kubeconfig: string;
  context: string | null;
  versions: Record<string, string>;
  /** Milliseconds the target took to come up (0 for an existing cluster). */
  startupMs: number;
  stop(): Promise<void>;
}

export interface BringUpOptions {
  kind: TargetKind;
  kubeconfig?: string | undefined;
  context?: string | undefined;
  mutant?: string | undefined;
  logDir: string;
  progress: (line: string) => void;
}

/** Flags that make no sense together are refused before anything starts. */
export function checkTargetOptions(o: Omit<BringUpOptions, 'logDir' | 'progress'>): void {
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
}

/** Tools the target needs are present, or a MissingToolsError says how to get them (before anything starts). */
export async function preflight(kind: TargetKind): Promise<void> {
  if (kind === 'reference') await requireBinaries(REFERENCE_BINARIES);
}

export async function bringUpTarget(o: BringUpOptions): Promise<TargetHandle> {
  checkTargetOptions(o);
  if (o.kind === 'reference') {
    o.progress('starting the reference target');
    const ref = await launchReference({ mutants: o.mutant ? [o.mutant] : [], logDir: o.logDir, progress: o.progress });
    return { kind: 'reference', kubeconfig: ref.kubeconfig, context: null, versions: ref.versions, startupMs: ref.startupMs, stop: () => ref.stop() };
  }
  return { kind: o.kind, kubeconfig: o.kubeconfig!, context: o.context ?? null, versions: {}, startupMs: 0, stop: () => Promise.resolve() };
}
