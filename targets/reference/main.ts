/**
 * The reference target as one process tree: control plane, admission webhook, CRDs, kubelet, controllers
 * and gateway. Started by its launcher (targets/reference/launch.ts); speaks JSON lines on stdout
 * (protocol.ts); stops everything it started on SIGTERM/SIGINT, when its launcher's stdin pipe closes, or
 * when the launcher dies (parent-death signal). Logs go to --log-dir.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { reuseConnections } from './controller-runtime/connections.ts';
import { requireBinaries, MissingToolsError } from '../../lib/tools/resolve.ts';
import { REFERENCE_BINARIES } from './launch.ts';
import { startControlPlane, NODE_NAME } from './controlplane/controlplane.ts';
import { cacheRoot } from '../../lib/tools/cache.ts';
import { emit } from './protocol.ts';
import { createStateDir } from './state-dir.ts';
import { ActiveMutants } from './mutants/active.ts';
import { parseMutant } from './mutants/offered.ts';
import { startPlatform } from './platform.ts';

const { values } = parseArgs({ options: { 'log-dir': { type: 'string' }, mutant: { type: 'string', multiple: true }, 'warm-runtimes': { type: 'string' } } });
const mutants = values.mutant ?? [];
const invalid = mutants.map(parseMutant).find((m) => 'error' in m);
if (invalid && 'error' in invalid) {
  emit({ event: 'error', kind: 'start-failed', message: invalid.error });
  process.exit(2);
}
const warmRuntimes = values['warm-runtimes'] === undefined ? undefined : Number(values['warm-runtimes']);
if (warmRuntimes !== undefined && !(Number.isInteger(warmRuntimes) && warmRuntimes >= 0)) {
  emit({ event: 'error', kind: 'start-failed', message: `--warm-runtimes must be a whole number >= 0, not ${values['warm-runtimes']}` });
  process.exit(2);
}

const t0 = Date.now();
const progress = (step: string) => emit({ event: 'progress', step, elapsedMs: Date.now() - t0 });
const stateDir = createStateDir();
const logDir = values['log-dir'] ?? join(stateDir, 'logs');
mkdirSync(logDir, { recursive: true });
const stops: (() => Promise<void>)[] = [];
let stopping: Promise<void> | undefined;

function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (e) {
        process.stderr.write(`stopping: ${(e as Error).message}\n`);
      }
    }
    rmSync(stateDir, { recursive: true, force: true });
    emit({ event: 'stopped' });
    process.exit(code);
  })();
  return stopping;
}

for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => void shutdown(0));
// When the launcher dies its pipes close: writing progress or logs must not crash the shutdown.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
// However this process ends, its state dir goes with it.
process.on('exit', () => rmSync(stateDir, { recursive: true, force: true }));
process.stdin.on('end', () => void shutdown(0));
process.stdin.on('error', () => void shutdown(0));
process.stdin.resume();

try {
  const binaries = await requireBinaries(REFERENCE_BINARIES);
  const cp = await startControlPlane({
    stateDir, logDir, progress,
    binaries: { etcd: binaries.etcd!, 'kube-apiserver': binaries['kube-apiserver']!, 'kube-controller-manager': binaries['kube-controller-manager']! },
  });
  stops.push(() => cp.stop());
  const kc = (file: string) => {
    const k = reuseConnections(new KubeConfig());
    k.loadFromFile(file);
    return k;
  };
  const platform = await startPlatform({
    controllers: kc(cp.kubeconfigs.controllers), controllersKubeconfig: cp.kubeconfigs.controllers,
    nodeKubeconfig: cp.kubeconfigs.node, nodeName: NODE_NAME, ca: cp.ca, stateDir, logDir, lockDir: join(cacheRoot(), 'locks'), envoy: binaries.envoy!,
    mutants: new ActiveMutants(mutants), ...(warmRuntimes !== undefined ? { warmRuntimes } : {}), progress, onStop: (stop) => stops.push(stop),
  });
  emit({
    event: 'ready', kubeconfig: cp.kubeconfigs.admin, stateDir, logDir, startupMs: Date.now() - t0,
    versions: { ...cp.versions, ...platform.versions }, mutant: mutants.join(',') || null,
  });
} catch (e) {
  const missing = e instanceof MissingToolsError;
  emit({ event: 'error', kind: missing ? 'missing-tools' : 'start-failed', message: (e as Error).message });
  await shutdown(missing ? 2 : 1);
}
