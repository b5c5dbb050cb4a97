import { spawn } from 'node:child_process';
import { withParentDeathSignal } from '../../lib/process/parent-death.ts';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { ReferenceEvent } from './protocol.ts';
import { MissingToolsError } from '../../lib/tools/resolve.ts';


/** The external binaries a reference needs; a run checks them before it starts anything. */
export const REFERENCE_BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'envoy'];

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

export interface RunningReference {
  kubeconfig: string;
  logDir: string;
  startupMs: number;
  versions: Record<string, string>;
  /** Stops the reference and waits until every process of it has exited. */
  stop(): Promise<void>;
}

export interface LaunchOptions {
  mutants?: string[];
  logDir?: string;
  /** Node processes the kubelet keeps booted for Node containers (warm runtimes); default the kubelet's, 0: off. */
  warmRuntimes?: number;
  progress?: (step: string) => void;
}

/**
 * Starts the reference as its own process tree and waits until it is ready. It dies with this process:
 * its stdin is a pipe from us (closed when we exit, however we exit) and the kernel sends it SIGTERM
 * if we die (setpriv's parent-death signal), so it always gets to stop its children.
 */
export async function launchReference(opts: LaunchOptions = {}): Promise<RunningReference> {
  const args = [
    MAIN, ...(opts.logDir ? ['--log-dir', opts.logDir] : []), ...(opts.mutants ?? []).flatMap((m) => ['--mutant', m]),
    ...(opts.warmRuntimes !== undefined ? ['--warm-runtimes', String(opts.warmRuntimes)] : []),
  ];
  const [file, argv] = withParentDeathSignal(process.execPath, args, 'TERM');
  const child = spawn(file, argv, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr.push(c);
    if (stderr.length > 200) stderr.shift();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 20_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise<RunningReference>((resolve, reject) => {
    let settled = false;
    lines.on('line', (line) => {
      let e: ReferenceEvent;
      try {
        e = JSON.parse(line) as ReferenceEvent;
      } catch {
        return;
      }
      if (e.event === 'progress') opts.progress?.(`${e.step} (${(e.elapsedMs / 1000).toFixed(1)} s)`);
      else if (e.event === 'ready' && !settled) {
        settled = true;
        resolve({ kubeconfig: e.kubeconfig, logDir: e.logDir, startupMs: e.startupMs, versions: e.versions, stop });
      } else if (e.event === 'error' && !settled) {
        settled = true;
        void stop();
        reject(e.kind === 'missing-tools' ? new MissingToolsError(e.message) : new Error(`the reference failed to start: ${e.message}`));
      }
    });
    void exited.then((code) => {
      if (settled) return;
      settled = true;
      reject(new Error(`the reference exited (code ${code}) before it was ready: ${stderr.join('').trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}
