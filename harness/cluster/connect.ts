import { existsSync, readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../../lib/errors.ts';

/** Loads a kubeconfig and selects a context; every problem is a UserError naming the file and the fix. */
export function loadKubeconfig(file: string, context?: string): KubeConfig {
  if (!existsSync(file)) throw new UserError(`kubeconfig ${file}: no such file (pass --kubeconfig FILE)`);
  const kc = new KubeConfig();
  try {
    kc.loadFromString(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`kubeconfig ${file}: not a valid kubeconfig (${(e as Error).message.split('\n')[0]})`);
  }
  const names = kc.getContexts().map((c) => c.name);
  if (names.length === 0) throw new UserError(`kubeconfig ${file}: has no contexts`);
  if (context !== undefined) {
    if (!names.includes(context)) {
      throw new UserError(`kubeconfig ${file}: no context "${context}"; contexts: ${names.join(', ')}`);
    }
    kc.setCurrentContext(context);
  } else if (!kc.getCurrentContext() || !names.includes(kc.getCurrentContext())) {
    throw new UserError(`kubeconfig ${file}: no current-context; pass --context with one of: ${names.join(', ')}`);
  }
  if (!kc.getCurrentCluster()) {
    throw new UserError(`kubeconfig ${file}: context "${kc.getCurrentContext()}" names a cluster that is not defined`);
  }
  return kc;
}
