import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, get } from '../lib/net.ts';
import { startProcess, type ManagedProcess } from '../lib/process/spawn.ts';

const PROBE = fileURLToPath(new URL('../fixtures/workloads/probe/main.ts', import.meta.url));

/** Milliseconds from spawning the probe to its first 200: the floor under any cold start. `env`: more of its environment. */
export async function bareSpawnToFirstResponse(host: string, env: Record<string, string> = {}): Promise<number> {
  const port = await freePort(host);
  const started = performance.now();
  const child = spawn(process.execPath, [PROBE], { env: { PATH: process.env.PATH ?? '', ...env, HOST: host, PORT: String(port) }, stdio: 'ignore' });
  try {
    for (;;) {
      try {
        const r = await get(`http://${host}:${port}/`);
        if (r.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 10_000) throw new Error('the probe did not answer within 10 s');
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    child.kill('SIGKILL');
  }
}

/** A bare Envoy with a static configuration: one listener, one cluster, the given upstream. */
export async function startBareEnvoy(envoy: string, listen: { host: string; port: number }, upstream: { host: string; port: number }): Promise<{ stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'gauntlet-bench-envoy-'));
  const config = {
    admin: { address: { socket_address: { address: listen.host, port_value: 0 } } },
    static_resources: {
      listeners: [{
        name: 'l', address: { socket_address: { address: listen.host, port_value: listen.port } },
        filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: {
          '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
          stat_prefix: 'bare', codec_type: 'AUTO',
          route_config: { virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'pod', timeout: '0s' } }] }] },
          http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
        } }] }],
      }],
      clusters: [{
        name: 'pod', type: 'STATIC', connect_timeout: '1s',
        load_assignment: { cluster_name: 'pod', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: upstream.host, port_value: upstream.port } } } }] }] },
      }],
    },
  };
  writeFileSync(join(dir, 'envoy.json'), JSON.stringify(config));
  const proc: ManagedProcess = startProcess('bare-envoy', envoy, {
    args: ['-c', join(dir, 'envoy.json'), '--concurrency', '1', '--disable-hot-restart', '--log-level', 'warn'],
    logFile: join(dir, 'envoy.log'),
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const r = await get(`http://${listen.host}:${listen.port}/`);
      if (r.status === 200) break;
    } catch {
      // starting
    }
    if (Date.now() > deadline) throw new Error(`bare envoy not serving; see ${join(dir, 'envoy.log')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    async stop() {
      await proc.stop(1000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
