import { globSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VersionApi } from '@kubernetes/client-node';
import { describeError } from '../../lib/errors.ts';
import type { Cluster } from '../cluster/cluster.ts';

/** A JSON value, as results.json keeps a target fact. */
export type FactValue = string | number | boolean | null | FactValue[] | { [key: string]: FactValue };

/** What a layer records about the target it ran against: each named fact read through the cluster's API. */
export class TargetFacts {
  readonly readers: Readonly<Record<string, (cluster: Cluster) => Promise<FactValue>>>;
  constructor(readers: Record<string, (cluster: Cluster) => Promise<FactValue>>) {
    this.readers = readers;
  }
}

/**
 * A layer's target facts, the default export of `suites/<layer>/facts.ts`: e.g. the serving layer records
 * `config-autoscaler`, whose values the autoscaling bounds derive from. The runner knows no layer.
 */
export function defineTargetFacts(readers: Record<string, (cluster: Cluster) => Promise<FactValue>>): TargetFacts {
  return new TargetFacts(readers);
}

/** What every run records of the target, whatever the layers: its API server and Kubernetes version. */
export async function clusterFacts(cluster: Cluster): Promise<{ server: string; kubernetes: string }> {
  const version = await cluster.kc.makeApiClient(VersionApi).getCode();
  return { server: cluster.kc.getCurrentCluster()?.server ?? '', kubernetes: version.gitVersion };
}

/**
 * Reads the facts of every layer under `suitesDir` (`<layer>/facts.ts`), keyed `<layer>/<name>`. A reader
 * that fails records why instead of failing the run.
 */
export async function layerFacts(suitesDir: string, cluster: Cluster): Promise<Record<string, FactValue>> {
  const out: Record<string, FactValue> = {};
  for (const rel of globSync('*/facts.ts', { cwd: suitesDir }).sort()) {
    const layer = rel.split('/')[0]!;
    const module = (await import(pathToFileURL(join(suitesDir, rel)).href)) as { default?: unknown };
    if (!(module.default instanceof TargetFacts)) throw new Error(`${relative(process.cwd(), join(suitesDir, rel))}: its default export must be defineTargetFacts({...})`);
    for (const [name, read] of Object.entries(module.default.readers)) {
      out[`${layer}/${name}`] = await read(cluster).catch((e: unknown) => ({ error: describeError(e) }));
    }
  }
  return out;
}
