import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverGateway, httpRequest, probeService, waitReady, type GatewayAddress, type RequirementContext } from '../../../harness/index.ts';
import type { ProbeAnswer } from '../probe-answer.ts';

/** What the probe says about itself and the request, with the fields the runtime checks read. */
export type RuntimeAnswer = ProbeAnswer & {
  host: string | null;
  localPort: number | null;
  writes?: { dir: string; ok: boolean; file?: string; error?: string }[];
};

export interface RuntimeFacts {
  name: string;
  url: string;
  revision: string;
  gateway: GatewayAddress;
  timeoutSeconds: number;
  /** The request the facts come from, and its answer. */
  request: string;
  status: number;
  answer: RuntimeAnswer | undefined;
  body: string;
  /** The answer as kept in the report folder, relative to it. */
  artifact: string;
  resource: string;
}

/**
 * One Service of the probe (kept at one pod, with a short `timeoutSeconds`) and one request to it that asks
 * the probe to write in /tmp: what the container saw answers the environment, header and filesystem checks.
 */
export async function runtimeFacts(ctx: RequirementContext, name: string, timeoutSeconds: number): Promise<RuntimeFacts> {
  const { cluster, settings } = ctx;
  const svc = probeService({ name, annotations: { 'autoscaling.knative.dev/min-scale': '1' } });
  svc.spec!.template!.spec!.timeoutSeconds = timeoutSeconds;
  svc.validate();
  await cluster.apply(svc);
  const ready = await waitReady(cluster, name, settings.readyTimeoutSeconds * 1000, ctx.signal);
  const url = ctx.require(ready.status?.url, 'Ready Service has no status.url');
  const revision = ctx.require(ready.status?.latestReadyRevisionName, 'Ready Service has no status.latestReadyRevisionName');
  const gateway = await discoverGateway(cluster, settings.gateway);
  const request = `${url}/?write=/tmp`;
  const res = await httpRequest({ url: request, via: gateway, timeoutMs: settings.requestTimeoutSeconds * 1000, signal: ctx.signal });
  let answer: RuntimeAnswer | undefined;
  try {
    answer = res.status === 200 ? (JSON.parse(res.body) as RuntimeAnswer) : undefined;
  } catch {
    answer = undefined;
  }
  const dir = join(ctx.reportDir, 'runtime');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'probe-answer.json'), `${JSON.stringify({ request, status: res.status, headers: res.headers, body: answer ?? res.body }, null, 2)}\n`);
  return {
    name, url, revision, gateway, timeoutSeconds, request, status: res.status, answer, body: res.body,
    artifact: 'runtime/probe-answer.json', resource: `Service/${cluster.namespace}/${name}`,
  };
}
