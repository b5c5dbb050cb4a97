import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ResolvedConfig, TargetKind } from '../config/schema.ts';
import type { RequirementResult } from '../requirements/types.ts';
import { Cluster } from '../cluster/cluster.ts';
import { loadKubeconfig } from '../cluster/connect.ts';
import { describeError, TargetError } from '../../lib/errors.ts';
import { countVerdicts } from '../report/counts.ts';
import { exitCodeFor } from '../report/exit-code.ts';
import type { RunReport } from '../report/schema.ts';
import { writeReport } from '../report/write.ts';
import { CONFIG_FILE } from '../config/load.ts';
import { declaredInConfig, loadWaivers, type DeclaredWaiver } from '../config/waivers.ts';
import { discoverSpecs } from './discover.ts';
import { catalogOf, requireProfiles, select } from './select.ts';
import { applyWaivers, waiverDay } from './waivers.ts';
import { DEFAULT_WORKERS, runSuites } from './run-suites.ts';
import { clusterFacts, layerFacts, type FactValue } from './facts.ts';

/** A target that is up: reached through its kubeconfig like any cluster. */
export interface TargetHandle {
  kind: TargetKind;
  kubeconfig: string;
  context: string | null;
  versions: Record<string, string>;
  /** Milliseconds the target took to come up (0 for an existing cluster). */
  startupMs: number;
  /** The target is thrown away after the run (the reference): the run's namespace need not be deleted. */
  disposable: boolean;
  stop(): Promise<void>;
}

/** How a run gets its target; the composition root (the CLI) makes it from the configuration. */
export interface TargetProvider {
  kind: TargetKind;
  /** The tools the target needs are present, or a MissingToolsError says how to get them (before anything starts). */
  preflight(): Promise<void>;
  bringUp(o: { logDir: string; progress: (line: string) => void }): Promise<TargetHandle>;
}

export interface RunOptions {
  root: string;
  config: ResolvedConfig;
  target: TargetProvider;
  version: string;
  progress: (line: string) => void;
  /** Whether long steps inside requirements report progress (a terminal) or stay quiet (CI). */
  showProgress: boolean;
  signal: AbortSignal;
  /** The config file the configuration came from, to name waivers written in it (default gauntlet.config.ts). */
  configFile?: string | undefined;
}

export interface RunOutcome {
  report: RunReport;
  reportDir: string;
}

function newRunId(): string {
  return `${new Date().toISOString().replace(/[:.]/g, '-').replace(/Z$/, '')}-${randomBytes(2).toString('hex')}`;
}

/**
 * One `gauntlet run`: select, read the waivers, bring up the target, run the suites in a fresh namespace,
 * tear down, apply the waivers to the results, report.
 */
export async function run(o: RunOptions): Promise<RunOutcome> {
  const c = o.config;
  const kind = o.target.kind;
  const specs = await discoverSpecs(join(o.root, 'suites'));
  const selection = select(specs, {
    suites: c.suites ?? [], requirements: c.requirements ?? [], level: c.level, profile: c.profile,
  });
  const configFile = o.configFile ?? CONFIG_FILE;
  const waivers = waiversOf(c.waivers, configFile);
  if (waivers.length > 0) o.progress(`${waivers.length} waiver(s) from ${typeof c.waivers === 'string' ? c.waivers : configFile}`);
  await o.target.preflight();
  requireProfiles(selection.requirements);
  const runId = newRunId();
  const reportDir = resolve(c.reportDir ?? join(o.root, 'reports'), runId);
  mkdirSync(reportDir, { recursive: true });
  const startedAt = new Date();
  const errors: string[] = [];
  let results: RequirementResult[] = [];
  let target: TargetHandle | undefined;
  let facts: { server: string; kubernetes: string } | undefined;
  let layers: Record<string, FactValue> = {};
  let cluster: Cluster | undefined;
  const namespace = `gauntlet-${runId.slice(-4)}-${randomBytes(2).toString('hex')}`;
  try {
    target = await o.target.bringUp({ logDir: join(reportDir, `${kind}-logs`), progress: o.progress });
    if (target.startupMs > 0) o.progress(`target up in ${(target.startupMs / 1000).toFixed(1)} s`);
    cluster = new Cluster(loadKubeconfig(target.kubeconfig, target.context ?? undefined), namespace);
    try {
      facts = await clusterFacts(cluster);
      layers = await layerFacts(join(o.root, 'suites'), cluster);
      await cluster.core.createNamespace({ body: { metadata: { name: namespace, labels: { 'app.kubernetes.io/managed-by': 'gauntlet' } } } });
    } catch (e) {
      throw new TargetError(`the target's API at ${cluster.kc.getCurrentCluster()?.server ?? '?'} failed: ${describeError(e)}`);
    }
    const workers = Math.min(c.workers ?? DEFAULT_WORKERS, selection.files.length);
    o.progress(`running ${selection.requirements.length} requirement(s) from ${selection.files.length} suite file(s), ${workers} at once, in namespace ${namespace}`);
    const parallel = new Set(selection.requirements.filter((r) => r.parallel).map((r) => r.id));
    const [light, exclusive] = partition(selection.files, (f) => f.requirements.every((r) => parallel.has(r.id)));
    const outcome = await runSuites({
      root: o.root,
      files: interleave(exclusive, light).map((f) => f.path),
      context: {
        kubeconfig: target.kubeconfig, context: target.context, namespace, reportDir, targetLock: `gauntlet:${runId}:target`,
        selected: selection.requirements.map((r) => r.id),
        settings: c.settings,
        showProgress: o.showProgress,
      },
      progress: o.progress,
      signal: o.signal,
      workers,
    });
    results = outcome.results;
    errors.push(...outcome.errors);
    for (const r of selection.requirements) {
      if (!results.some((x) => x.id === r.id) && !o.signal.aborted) errors.push(`${r.id} was selected but produced no result`);
    }
    if (o.signal.aborted) errors.push('the run was interrupted');
  } catch (e) {
    errors.push(describeError(e));
  } finally {
    if (cluster && target && !target.disposable) {
      await cluster.core.deleteNamespace({ name: namespace }).catch((e: unknown) => errors.push(`could not delete namespace ${namespace}: ${describeError(e)}`));
    }
    await target?.stop();
  }
  // Waivers apply after the run, to what it found: a failure they cover becomes `waived`, never a pass.
  const waived = applyWaivers({ results, waivers, catalog: catalogOf(specs).map((r) => r.id), today: waiverDay(startedAt) });
  results = waived.results;
  const endedAt = new Date();
  const report: RunReport = {
    schemaVersion: 3, runId, gauntletVersion: o.version,
    target: {
      kind,
      ...(target?.context ? { context: target.context } : {}),
      ...(facts?.server ? { server: facts.server } : {}),
      versions: { ...target?.versions, ...(facts ? { kubernetes: facts.kubernetes } : {}) },
      facts: layers,
    },
    selection: { suites: c.suites ?? [], requirements: c.requirements ?? [], level: c.level ?? null, profile: c.profile ?? null, mutant: c.mutant ?? null },
    startedAt: startedAt.toISOString(), endedAt: endedAt.toISOString(), durationMs: endedAt.getTime() - startedAt.getTime(),
    exitCode: exitCodeFor(results, errors), summary: countVerdicts(results), requirements: results,
    waivers: waived.waivers, warnings: waived.warnings, errors,
  };
  await writeReport(reportDir, report);
  return { report, reportDir };
}

/** The run's waivers: read from the file the config or `--waivers` names, or written in the config itself. */
function waiversOf(waivers: ResolvedConfig['waivers'], configFile: string): DeclaredWaiver[] {
  if (waivers === undefined) return [];
  return typeof waivers === 'string' ? loadWaivers(waivers) : declaredInConfig(configFile, waivers);
}

/**
 * Files that load or measure start first, each followed by one that does not: one holds the target while
 * the next sets up, and the others fill the remaining workers instead of waiting for the lock.
 */
function interleave<T>(first: readonly T[], second: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(first.length, second.length); i++) out.push(...[first[i], second[i]].filter((x): x is T => x !== undefined));
  return out;
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((i) => !test(i))];
}
