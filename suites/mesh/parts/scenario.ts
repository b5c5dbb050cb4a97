import type { V1Pod } from '@kubernetes/client-node';
import {
  deployEcho, echoService, outcomes, startClient,
  type ClientSpec, type EchoSpec, type Manifest, type MeshClient, type ObjectRef, type RequirementContext,
} from '../../../harness/index.ts';
import { WaitTimeout } from '../../../lib/errors.ts';

/**
 * A requirement's mesh: Istio policies applied first (so that sidecars start with them), a server app of one
 * or more versions behind a Service, and the clients that call it. Everything it applied is deleted by
 * `cleanup`. Names carry the requirement's prefix, so requirements can run side by side in one namespace.
 */
export interface ScenarioSpec {
  /** The server's app name (Service name, `app` label). */
  app: string;
  /** One Deployment per version; default one meshed `v1`. */
  versions?: Omit<EchoSpec, 'app' | 'name'>[];
  clients: ClientSpec[];
  /** Istio resources, applied before the workloads. */
  policies?: Manifest[];
  /**
   * The kinds of request (their headers) whose routes the meshed clients wait for before the body runs, so that
   * a route of a header match is as ready as the default one; default one kind, without headers.
   */
  routed?: Record<string, string>[];
}

export interface Scenario {
  namespace: string;
  /** `http://<app>.<namespace>.svc.cluster.local/`: the server as the mesh knows it. */
  url: string;
  serverPods: V1Pod[];
  clients: Record<string, MeshClient>;
  cleanup(): Promise<void>;
}

const refOf = (m: Manifest): ObjectRef => ({ apiVersion: m.apiVersion ?? 'v1', kind: m.kind ?? '', metadata: { name: m.metadata?.name ?? '' } });

export async function startScenario(ctx: RequirementContext, s: ScenarioSpec): Promise<Scenario> {
  const { cluster, settings, signal } = ctx;
  const applied: ObjectRef[] = [];
  const apply = async (m: Manifest) => {
    await cluster.apply(m);
    applied.push(refOf(m));
  };
  const cleanup = async () => {
    await Promise.all(applied.reverse().map((ref) => cluster.delete(ref).catch(() => undefined)));
  };
  try {
    for (const p of s.policies ?? []) await apply(p);
    const timeoutMs = settings.readyTimeoutSeconds * 1000;
    const versions = s.versions ?? [{ version: 'v1', meshed: true }];
    const service = echoService(s.app);
    await apply(service);
    const deployments = versions.map((v) => ({ ...v, app: s.app, name: `${s.app}-${v.version ?? 'v1'}` }));
    for (const d of deployments) applied.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: d.name } });
    for (const c of s.clients) applied.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: c.name } });
    const [serverPods, clients] = await Promise.all([
      Promise.all(deployments.map((d) => deployEcho(cluster, d, { timeoutMs, signal }))).then((ps) => ps.flat()),
      Promise.all(s.clients.map((c) => startClient(cluster, c, { timeoutMs, signal }))),
    ]);
    for (const c of s.clients) if (c.serviceAccount) applied.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: c.serviceAccount } });
    for (const p of serverPods) ctx.log.note(`server pod ${p.metadata?.name ?? ''} at ${p.status?.podIP ?? '?'} (${p.spec?.containers.map((c) => c.name).join(', ') ?? ''})`);
    const url = `http://${s.app}.${cluster.namespace}.svc.cluster.local/`;
    const kinds = s.routed ?? [{}];
    await Promise.all(clients.filter((c) => c.meshed).flatMap((c) => kinds.map((headers) => awaitRoute(ctx, c, url, headers, timeoutMs))));
    return {
      namespace: cluster.namespace,
      url,
      serverPods,
      clients: Object.fromEntries(clients.map((c) => [c.name, c])),
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Consecutive answers that show the client's sidecar has a route and endpoints for the server. */
const ROUTED_IN_A_ROW = 5;

/**
 * A pod Ready in the API is not yet an endpoint in every sidecar: the mesh's configuration reaches the
 * client's sidecar a moment later (on Istio as here). Waits until the client's requests to the server are
 * answered by it -- anything but the 502/503 a sidecar gives without a route or endpoint -- several times in
 * a row, so that a check does not judge the mesh before it has caught up.
 */
async function awaitRoute(ctx: RequirementContext, client: MeshClient, url: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const asked = Object.keys(headers).length > 0 ? ` with ${JSON.stringify(headers)}` : '';
  let last = 'no request yet';
  while (Date.now() - started < timeoutMs) {
    const results = await client.send({ url, headers, count: ROUTED_IN_A_ROW, timeoutMs: 2000, bodies: false }, ctx.signal);
    if (results.every((r) => r.status !== undefined && r.status !== 502 && r.status !== 503)) {
      ctx.log.note(`${client.name} reached ${url}${asked} through the mesh ${Date.now() - started} ms after the pods were Ready`);
      return;
    }
    last = JSON.stringify(outcomes(results));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new WaitTimeout(`${client.name} could not reach ${url}${asked} through the mesh within ${timeoutMs / 1000} s of the pods being Ready (last: ${last})`, last);
}

/** Runs `body` in a scenario and always cleans up after it. */
export async function inScenario(ctx: RequirementContext, s: ScenarioSpec, body: (sc: Scenario) => Promise<void>): Promise<void> {
  const sc = await startScenario(ctx, s);
  try {
    await body(sc);
  } finally {
    await sc.cleanup();
  }
}
