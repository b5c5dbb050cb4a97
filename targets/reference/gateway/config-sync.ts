import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '../../../lib/errors.ts';
import { Resync } from '../../../lib/resync.ts';
import type { ConfigFiles } from './config-files.ts';
import type { EnvoyAdmin } from './envoy-admin.ts';
import { buildGatewayConfig, type GatewayConfigOptions } from './envoy-resources.ts';
import { snapshotOf, type GatewayInputs } from './inputs.ts';
import { NO_MESH_ROUTES, type MeshRoutesSource } from './mesh-routes.ts';
import { servedConfig, type ServedRouteConfiguration } from './served-config.ts';
import { StaleTraffic } from './stale-traffic.ts';
import { hostRoutes, type HostRoute } from './traffic.ts';
import type { KRoute } from '../serving/types.ts';

export interface ConfigSyncOptions {
  inputs: GatewayInputs;
  files: ConfigFiles;
  config: GatewayConfigOptions;
  /** The mesh's routes for VirtualServices bound to Gateways (mesh-routes.ts); none without a mesh. */
  meshRoutes?: MeshRoutesSource;
  log: (line: string) => void;
  debounceMs: number;
}

const APPLY_TIMEOUT_MS = 5000;

/**
 * Keeps Envoy's files level-triggered on the inputs: any change schedules one rebuild of the whole
 * configuration after `debounceMs` (lib/resync.ts: rebuilds never overlap; a change during one schedules
 * another); changed files are written make-before-break (clusters first, then
 * routes, then the removal of clusters no route needs any more), each step waiting until Envoy took it,
 * so no request meets a route to a cluster that is not there. The mesh's routes (VirtualServices on the
 * gateway) are merged in on each rebuild (served-config.ts); a change of them schedules one too.
 */
export class ConfigSync {
  private readonly o: ConfigSyncOptions;
  private admin: EnvoyAdmin | undefined;
  private clusters: { name: string }[] = [];
  /** Held until start(): changes before it are applied at once when Envoy is up. */
  private readonly resync: Resync;
  private stopped = false;
  private rejected = 0;
  /** Whether Envoy took the route configuration last written. */
  private routesAccepted = true;
  /** What Envoy serves (its accepted route configuration), host -> the HostRoute as JSON. */
  private served = new Map<string, string>();
  private pending: HostRoute[] = [];
  private readonly listeners: (() => void)[] = [];
  /** What the merge of the mesh's routes reported, so that the log says each once. */
  private readonly warned = new Set<string>();
  /** The stale-traffic-split mutant: the Routes' splits as they were its lag ago (stale-traffic.ts). */
  private readonly stale: StaleTraffic | undefined;

  constructor(o: ConfigSyncOptions) {
    this.o = o;
    this.resync = new Resync(() => this.apply(), {
      debounceMs: o.debounceMs, held: true, onError: (e) => o.log(`gateway configuration: ${describeError(e)}`),
    });
    const schedule = () => this.resync.schedule();
    const lagMs = o.config.mutants.value('stale-traffic-split');
    this.stale = lagMs === undefined ? undefined : new StaleTraffic(lagMs, schedule);
    for (const source of [o.inputs.routes, o.inputs.pods, o.inputs.serverlessServices]) {
      for (const event of ['add', 'update', 'delete'] as const) source.on(event, schedule);
    }
    o.meshRoutes?.onChange(schedule);
  }

  /** The first files, before Envoy starts (it loads them at start-up). */
  writeInitial(): void {
    const next = this.build();
    this.o.files.writeClusters(next.clusters);
    this.o.files.writeRoutes([next.routeConfiguration]);
    this.clusters = next.clusters;
    this.pending = next.claimed;
  }

  /** Starts updating Envoy through its admin interface; changes seen before now are applied at once. */
  start(admin: EnvoyAdmin): void {
    this.admin = admin;
    this.serve(this.pending);
    this.resync.release();
  }

  /** Cancels a scheduled rebuild; one under way gives up waiting for Envoy. */
  stop(): void {
    this.stopped = true;
    void this.resync.stop();
  }

  /** True once Envoy serves every host of the Route as its status says now (Knative's IngressReady). */
  programmed(route: KRoute): boolean {
    const want = hostRoutes([route], this.o.config.mutants);
    return want.length > 0 && want.every((h) => this.served.get(h.host) === JSON.stringify(h));
  }

  /** Called each time Envoy has taken a new configuration. */
  onSynced(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Resolves once the inputs' current state is written and accepted by Envoy. */
  async synced(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`gateway configuration not applied within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.resync.settled(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * What Envoy is given, and the hosts `programmed` judges by: the same, except under the stale-traffic-split
   * mutant, where Envoy gets the Routes' previous splits while the current ones are claimed as served.
   */
  private build() {
    const snapshot = snapshotOf(this.o.inputs);
    const routes = this.stale ? this.stale.routes(snapshot.routes) : snapshot.routes;
    const knative = buildGatewayConfig({ ...snapshot, routes }, this.o.config);
    const served = servedConfig(knative, this.o.meshRoutes?.current() ?? NO_MESH_ROUTES, (m) => this.warnOnce(m));
    return { ...served, claimed: this.stale ? hostRoutes(snapshot.routes, this.o.config.mutants) : served.hosts };
  }

  private warnOnce(line: string): void {
    if (this.warned.has(line)) return;
    this.warned.add(line);
    this.o.log(line);
  }

  private async apply(): Promise<void> {
    const next = this.build();
    const names = new Set(next.clusters.map((c) => c.name));
    const retired = this.clusters.filter((c) => !names.has(c.name));
    const union = [...next.clusters, ...retired].sort((a, b) => a.name.localeCompare(b.name));
    const cds = this.o.files.writeClusters(union);
    await this.accepted('cds', cds);
    await this.withdrawChangedHosts(next.routeConfiguration, next.hosts);
    const rds = this.o.files.writeRoutes([next.routeConfiguration]);
    if (rds !== undefined) this.routesAccepted = await this.accepted('rds', rds);
    if (this.routesAccepted) this.serve(next.claimed);
    if (retired.length > 0) await this.accepted('cds', this.o.files.writeClusters(next.clusters));
    this.clusters = next.clusters;
    // Under stale-traffic-split a new split is claimed without a new file: the waiting Routes are told anyway.
    if (cds !== undefined || rds !== undefined || this.stale) for (const l of this.listeners) l();
  }

  /**
   * The drops-on-reconfigure mutant: before a served host's routes change, Envoy is given a route configuration
   * without that host and keeps it for the mutant's window, so requests for it get 404 meanwhile (a gateway that
   * rebuilds a host's routes break-before-make).
   */
  private async withdrawChangedHosts(next: ServedRouteConfiguration, hosts: readonly HostRoute[]): Promise<void> {
    const windowMs = this.o.config.mutants.value('drops-on-reconfigure');
    if (windowMs === undefined || !this.admin) return;
    const changed = new Set(hosts.filter((h) => this.served.has(h.host) && this.served.get(h.host) !== JSON.stringify(h)).map((h) => h.host));
    if (changed.size === 0) return;
    const interim = { ...next, virtual_hosts: next.virtual_hosts.filter((v) => !changed.has(v.name)) };
    if (await this.accepted('rds', this.o.files.writeRoutes([interim]))) {
      for (const h of changed) this.served.delete(h);
      await sleep(windowMs);
    }
  }

  private serve(hosts: readonly HostRoute[]): void {
    this.served = new Map(hosts.map((h) => [h.host, JSON.stringify(h)]));
  }

  /** Waits until Envoy reports the version (true), or says that it rejected it (the reason is in envoy.log). */
  private async accepted(kind: 'cds' | 'rds', version: string | undefined): Promise<boolean> {
    if (version === undefined || !this.admin) return true;
    const deadline = Date.now() + APPLY_TIMEOUT_MS;
    while (!this.stopped && Date.now() < deadline) {
      const state = await this.admin.configState().catch(() => undefined);
      if (state?.[kind] === version) return true;
      if (state && state.rejected > this.rejected) {
        this.rejected = state.rejected;
        this.o.log(`envoy rejected ${kind.toUpperCase()} version ${version}; see envoy.log`);
        return false;
      }
      await sleep(10);
    }
    if (!this.stopped) this.o.log(`envoy did not take ${kind.toUpperCase()} version ${version} within ${APPLY_TIMEOUT_MS} ms`);
    return false;
  }
}
