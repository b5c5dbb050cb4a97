import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { ROUTE_CONFIG_NAME } from './envoy-resources.ts';
import { STAT_PREFIX } from './bootstrap.ts';

/** The parts of Envoy's admin interface the gateway uses. */
export class EnvoyAdmin {
  readonly url: string;

  constructor(hostPort: string) {
    this.url = `http://${hostPort}`;
  }

  /** From the file `--admin-address-path` names, once Envoy has written it. */
  static fromFile(path: string): EnvoyAdmin | undefined {
    const text = existsSync(path) ? readFileSync(path, 'utf8').trim() : '';
    return text ? new EnvoyAdmin(text) : undefined;
  }

  async text(path: string): Promise<string> {
    const res = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(2000) });
    return res.text();
  }

  /** True once the server is LIVE (initial CDS and RDS loaded, workers started). */
  async live(): Promise<boolean> {
    return (await this.text('/ready').catch(() => '')).trim() === 'LIVE';
  }

  /** The address a listener is bound to (its port when it was asked for port 0). */
  async listenerAddress(name: string): Promise<{ host: string; port: number } | undefined> {
    const body = JSON.parse(await this.text('/listeners?format=json')) as {
      listener_statuses?: { name: string; local_address?: { socket_address?: { address: string; port_value: number } } }[];
    };
    const a = body.listener_statuses?.find((l) => l.name === name)?.local_address?.socket_address;
    return a ? { host: a.address, port: a.port_value } : undefined;
  }

  /** The CDS and RDS versions Envoy has accepted, and how many updates it rejected. */
  async configState(): Promise<{ cds?: string; rds?: string; rejected: number }> {
    const stats = parseStats(await this.text('/stats?filter=(version_text|update_rejected)$'));
    const rds = `http.${STAT_PREFIX}.rds.${ROUTE_CONFIG_NAME}`;
    return {
      cds: stats.get('cluster_manager.cds.version_text'),
      rds: stats.get(`${rds}.version_text`),
      rejected: Number(stats.get('cluster_manager.cds.update_rejected') ?? 0) + Number(stats.get(`${rds}.update_rejected`) ?? 0),
    };
  }
}

/** `name: value` lines; text readouts are quoted. */
function parseStats(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 2).replace(/^"(.*)"$/, '$1'));
  }
  return out;
}

/** True if a TCP connection to the address is accepted. */
export function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
