import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { accepts } from '../../../gateway/envoy-admin.ts';
import { startProcess, type ManagedProcess } from '../../../../../lib/process/spawn.ts';
import { requireBinaries } from '../../../../../lib/tools/resolve.ts';
import type { ProxyFiles } from '../../layout.ts';
import { watchedFile } from '../../../envoy/config-source.ts';
import { DiscoveryFile } from '../../../envoy/discovery-file.ts';
import { OUTBOUND_STAT_PREFIX } from '../outbound.ts';
import { OUTBOUND_ROUTE_NAME } from '../outbound-options.ts';

/** A real Envoy reading LDS/CDS/RDS from a sidecar's files, for tests of the outbound translation. */
export interface FileEnvoy {
  readonly admin: string;
  /** Writes the discovery files (clusters first) and resolves once Envoy has taken both CDS and RDS. */
  apply(resources: { clusters: object[]; routes: object }): Promise<void>;
  /**
   * Envoy's counters whose names match `filter` (a regular expression, as the admin interface's), by name:
   * what Envoy did (a fault injected, a timeout hit), for tests that judge that rather than a duration.
   */
  counters(filter: string): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

/** Writes a discovery file afresh (Envoy reloads it even when unchanged) and returns its version. */
function writeDiscovery(files: ProxyFiles, path: string, resources: object[]): string {
  return new DiscoveryFile(path, files.tmpDir).write(resources)!;
}

async function stats(admin: string, filter: string): Promise<string> {
  return fetch(`http://${admin}/stats?filter=${encodeURIComponent(filter)}`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text());
}

/**
 * Starts Envoy on a minimal bootstrap of its own (LDS and CDS from the files; admin at `adminHost`), with the
 * given listener and first configuration; resolves once the listener at `listen` accepts connections.
 */
export async function startFileEnvoy(o: {
  files: ProxyFiles; adminHost: string; listener: object; listen: { host: string; port: number }; initial: { clusters: object[]; routes: object };
}): Promise<FileEnvoy> {
  const { files } = o;
  for (const d of [files.ldsDir, files.cdsDir, files.rdsDir, files.tmpDir]) mkdirSync(d, { recursive: true });
  const envoyPath = (await requireBinaries(['envoy'])).envoy!;
  writeDiscovery(files, files.cds, o.initial.clusters);
  writeDiscovery(files, files.rds, [o.initial.routes]);
  writeDiscovery(files, files.lds, [o.listener]);
  writeFileSync(files.bootstrap, JSON.stringify({
    node: { id: 'sidecar~test', cluster: 'outbound-test' },
    admin: { address: { socket_address: { address: o.adminHost, port_value: 0 } } },
    dynamic_resources: { lds_config: watchedFile(files.lds, files.ldsDir), cds_config: watchedFile(files.cds, files.cdsDir) },
  }));
  const adminPath = join(files.dir, 'admin-address');
  const logFile = join(files.dir, 'envoy.log');
  const proc: ManagedProcess = startProcess('envoy', envoyPath, {
    args: ['-c', files.bootstrap, '--concurrency', '1', '--disable-hot-restart', '--admin-address-path', adminPath, '--log-level', 'warn'],
    logFile,
  });
  let exited: number | string | undefined;
  void proc.exited.then((c) => (exited = c));
  const deadline = Date.now() + 20_000;
  let admin = '';
  while (!(admin && (await accepts(o.listen.host, o.listen.port)))) {
    if (exited !== undefined || Date.now() > deadline) {
      await proc.stop(0);
      throw new Error(`envoy ${exited !== undefined ? `exited (${exited})` : 'not ready in 20 s'}: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    }
    try {
      admin = readFileSync(adminPath, 'utf8').trim();
    } catch {
      // not written yet
    }
    await sleep(50);
  }
  const rdsStat = `http.${OUTBOUND_STAT_PREFIX}.rds.${OUTBOUND_ROUTE_NAME}`;
  return {
    admin,
    async apply({ clusters, routes }) {
      const cdsVersion = writeDiscovery(files, files.cds, clusters);
      const rdsVersion = writeDiscovery(files, files.rds, [routes]);
      const until = Date.now() + 10_000;
      let seen = '';
      while (Date.now() < until) {
        seen = await stats(admin, 'version_text|update_rejected');
        if (seen.includes(`cluster_manager.cds.version_text: "${cdsVersion}"`) && seen.includes(`${rdsStat}.version_text: "${rdsVersion}"`)) return;
        await sleep(25);
      }
      throw new Error(`envoy did not take CDS ${cdsVersion} / RDS ${rdsVersion}: ${seen} ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    },
    async counters(filter) {
      const out = new Map<string, number>();
      for (const line of (await stats(admin, filter)).split('\n')) {
        const m = /^(.+): (\d+)$/.exec(line.trim());
        if (m) out.set(m[1]!, Number(m[2]));
      }
      return out;
    },
    stop: () => proc.stop(3000),
  };
}
