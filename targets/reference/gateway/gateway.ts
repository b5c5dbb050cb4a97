import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireBinaries } from '../../../lib/tools/resolve.ts';
import type { ActiveMutants } from '../mutants/active.ts';
import { startProcess, type ManagedProcess } from '../../../lib/process/spawn.ts';
import { QUEUE_SERVING_PORT } from '../serving/dataplane.ts';
import { bootstrap } from './bootstrap.ts';
import { ConfigFiles } from './config-files.ts';
import { accepts, EnvoyAdmin } from './envoy-admin.ts';
import { ConfigSync } from './config-sync.ts';
import type { GatewayInputs } from './inputs.ts';
import type { MeshRoutesSource } from './mesh-routes.ts';
import type { KRoute } from '../serving/types.ts';

export interface GatewayOptions {
  /** Routes, Pods, ServerlessServices: `informerInputs(informers)`, or fakes in a test. */
  inputs: GatewayInputs;
  /** The listener's address and port (the reference: network.infraAddress(1), 8080; port 0 = any). */
  address: string;
  port: number;
  /** Where requests for revisions without ready pods (or in Proxy mode) go. */
  activator: { host: string; port: number };
  /** Envoy's output goes to `<logDir>/envoy.log`. */
  logDir: string;
  mutants: Pick<ActiveMutants, 'has' | 'value'>;
  log: (line: string) => void;
  /** The port revision pods serve on (default QUEUE_SERVING_PORT, the queue-proxy's). */
  podPort?: number;
  /** The envoy binary (default: resolved like every tool, from GAUNTLET_ENVOY, the cache or PATH). */
  envoyPath?: string;
  /** Where the bootstrap and discovery files go (default: a temporary dir that stop() removes). */
  configDir?: string;
  /** How long input changes are gathered before the configuration is rebuilt (default 75 ms). */
  debounceMs?: number;
  /** The mesh control plane's routes for VirtualServices bound to Gateways, served beside the Routes'. */
  meshRoutes?: MeshRoutesSource;
}

export interface Gateway {
  /** Where the listener is bound. */
  address: { host: string; port: number };
  /** Resolves once Envoy has accepted the configuration for the inputs as they are now. */
  synced(timeoutMs?: number): Promise<void>;
  /** True once Envoy serves every host of the Route as its status says now: what Knative calls IngressReady. */
  programmed(route: KRoute): boolean;
  /** Called each time Envoy has taken a new configuration (e.g. to requeue Routes waiting for IngressReady). */
  onSynced(listener: () => void): void;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 20_000;

/**
 * The reference's ingress gateway: a real Envoy (one worker), configured from Routes, Pods and
 * ServerlessServices, and from the mesh's routes for VirtualServices bound to Gateways, through file-based CDS
 * and RDS. Resolves once Envoy is LIVE and its listener accepts.
 */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const envoy = opts.envoyPath ?? (await requireBinaries(['envoy'])).envoy!;
  await Promise.all([opts.inputs.routes, opts.inputs.pods, opts.inputs.serverlessServices].map(async (s) => s.start?.()));
  const ownDir = opts.configDir === undefined;
  const dir = opts.configDir ?? mkdtempSync(join(tmpdir(), 'gauntlet-envoy-'));
  const files = new ConfigFiles(dir);
  const sync = new ConfigSync({
    inputs: opts.inputs, files, log: opts.log, debounceMs: opts.debounceMs ?? 75, ...(opts.meshRoutes ? { meshRoutes: opts.meshRoutes } : {}),
    config: { activator: opts.activator, podPort: opts.podPort ?? QUEUE_SERVING_PORT, mutants: opts.mutants },
  });
  sync.writeInitial();
  const bootstrapPath = join(dir, 'bootstrap.json');
  writeFileSync(bootstrapPath, JSON.stringify(bootstrap({
    address: opts.address, port: opts.port, cdsPath: files.cdsPath, cdsDir: files.cdsDir, rdsPath: files.rdsPath, rdsDir: files.rdsDir,
    splitPerConnection: opts.mutants.has('split-per-connection'),
  }), null, 1));
  const adminPath = join(dir, 'admin-address');
  const logFile = join(opts.logDir, 'envoy.log');
  const started = Date.now();
  const proc = startProcess('envoy', envoy, {
    args: ['-c', bootstrapPath, '--concurrency', '1', '--disable-hot-restart', '--admin-address-path', adminPath, '--log-level', 'info'],
    logFile,
  });
  let stopped = false;
  const stop = async () => {
    stopped = true;
    sync.stop();
    await proc.stop(3000);
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { admin, address } = await whenReady(proc, adminPath, `http_${opts.port}`, logFile);
    opts.log(`envoy ready on ${address.host}:${address.port} in ${Date.now() - started} ms (admin ${admin.url}, log ${logFile})`);
    void proc.exited.then((code) => {
      if (!stopped) opts.log(`envoy exited unexpectedly (${code}); see ${logFile}`);
    });
    sync.start(admin);
    return {
      address, stop,
      synced: (timeoutMs) => sync.synced(timeoutMs),
      programmed: (route) => sync.programmed(route),
      onSynced: (listener) => sync.onSynced(listener),
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function whenReady(proc: ManagedProcess, adminPath: string, listener: string, logFile: string) {
  let exit: number | string | undefined;
  void proc.exited.then((c) => (exit = c));
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let last = 'no admin address yet';
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(`envoy exited (${exit}) while starting: ${tail(logFile)}`);
    const admin = EnvoyAdmin.fromFile(adminPath);
    if (admin && (await admin.live())) {
      const address = await admin.listenerAddress(listener).catch(() => undefined);
      if (address && (await accepts(address.host, address.port))) return { admin, address };
      last = `listener ${listener} not accepting yet`;
    } else if (admin) last = 'admin /ready is not LIVE yet';
    await sleep(20);
  }
  throw new Error(`envoy not ready within ${STARTUP_TIMEOUT_MS / 1000} s (${last}): ${tail(logFile)}`);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return `no ${file}`;
  }
}
