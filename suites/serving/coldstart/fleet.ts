import type { V1Pod } from '@kubernetes/client-node';
import { probeService, serviceRef, waitReady, type RequirementContext } from '../../../harness/index.ts';
import { WaitTimeout } from '../../../lib/errors.ts';
import { readScaleToZeroConfig, zeroWaitMs, type ScaleToZeroConfig } from './scale-to-zero.ts';

export const MIN_SCALE_ZERO = { 'autoscaling.knative.dev/min-scale': '0' };

export interface ColdService {
  name: string;
  url: string;
  revision: string;
}

export interface ColdFleet {
  config: ScaleToZeroConfig;
  services: ColdService[];
  /** From apply to every Service Ready, and from there to no pod left that is not terminating (ms). */
  readyMs: number;
  zeroMs: number;
  zeroBoundMs: number;
  resources: string[];
}

export function selectorFor(names: readonly string[]): string {
  return `serving.knative.dev/service in (${names.join(',')})`;
}

/**
 * Knative Services of the probe at min-scale 0, made Ready, then left idle until none has a pod that is
 * not terminating: each is at zero, its next request a cold start. The wait is bounded by the target's
 * config-autoscaler (zeroWaitMs); not reaching zero makes the caller's requirement inconclusive, and a target
 * with scale to zero disabled makes it not applicable.
 */
export async function coldFleet(ctx: RequirementContext, names: readonly string[]): Promise<ColdFleet> {
  const { cluster, settings, signal } = ctx;
  const config = await readScaleToZeroConfig(cluster);
  if (!config.enabled) ctx.notApplicable(`the target disables scale to zero (config-autoscaler enable-scale-to-zero=false)`);
  const resources: string[] = [];
  const applied = Date.now();
  await Promise.all(
    names.map(async (name) => {
      await cluster.apply(probeService({ name, annotations: MIN_SCALE_ZERO }));
      resources.push(`Service/${cluster.namespace}/${name}`);
    }),
  );
  const ready = await Promise.all(names.map((name) => waitReady(cluster, name, settings.readyTimeoutSeconds * 1000, signal)));
  const readyAt = Date.now();
  const services = ready.map((svc, i) => ({
    name: names[i]!,
    url: ctx.require(svc.status?.url, `Service ${names[i]!} is Ready without status.url`),
    revision: ctx.require(svc.status?.latestReadyRevisionName, `Service ${names[i]!} is Ready without status.latestReadyRevisionName`),
  }));
  const zeroBoundMs = zeroWaitMs(config);
  try {
    await cluster.waitForPods(selectorFor(names), (pods) => pods.every((p) => p.metadata?.deletionTimestamp), {
      timeoutMs: zeroBoundMs, what: `${names.join(', ')} at zero pods`, signal,
    });
  } catch (e) {
    if (!(e instanceof WaitTimeout)) throw e;
    const left = (e.lastSeen as V1Pod[]).filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata?.name ?? '?');
    ctx.inconclusive(
      `not at zero ${(zeroBoundMs / 1000).toFixed(0)} s after Ready (2 x (stable window + max(grace, retention)) + 10 s from ${config.sources.join(', ')}); ` +
        `pods left: ${left.join(', ')}; a cold start cannot be measured (see SERVING.SCALE.TO-ZERO)`,
    );
  }
  return { config, services, readyMs: readyAt - applied, zeroMs: Date.now() - readyAt, zeroBoundMs, resources };
}

export async function deleteServices(ctx: Pick<RequirementContext, 'cluster'>, names: readonly string[]): Promise<void> {
  await Promise.all(names.map((name) => ctx.cluster.delete(serviceRef(name))));
}
