import { probeService, ready, serviceRef, type KService, type ProbeServiceOptions, type RequirementContext } from '../../../../harness/index.ts';
import { learnRevision, templateToken, TEMPLATE_ENV } from '../../revision-identity.ts';

/** A probe Service with several revisions, as the Kubernetes API shows it. */
export interface RevisionedService {
  name: string;
  /** status.url: its host is what the gateway routes on. */
  url: string;
  /** Revision names, oldest first. */
  revisions: string[];
  /** The template last applied; traffic changes re-apply it with spec.traffic. */
  template: ProbeServiceOptions;
}

/**
 * Revisions stay up while routed (min-scale 1 applies to routable revisions only, as in Knative), so that a
 * split measures routing, not cold starts.
 */
const ANNOTATIONS = { 'autoscaling.knative.dev/min-scale': '1' };

/**
 * Creates Knative Service `name` with `count` revisions: one template per revision (the probe with its own
 * token in GAUNTLET_TEMPLATE), each awaited Ready as the Service's new latestReadyRevisionName and read back
 * through the API, so that the probe's answers name the revision that gave them without K_REVISION
 * (../../revision-identity.ts: the sampler and the rollout's records read them so).
 */
export async function serviceWithRevisions(ctx: RequirementContext, name: string, count: number): Promise<RevisionedService> {
  const revisions: string[] = [];
  let template: ProbeServiceOptions | undefined;
  let svc: KService | undefined;
  for (let i = 1; i <= count; i++) {
    const token = templateToken(name, i);
    template = { name, annotations: ANNOTATIONS, env: { [TEMPLATE_ENV]: token } };
    await ctx.cluster.apply(probeService(template));
    svc = await ctx.cluster.waitFor<KService>(
      serviceRef(name),
      (s) => ready(s) && !!s?.status?.latestReadyRevisionName && !revisions.includes(s.status.latestReadyRevisionName),
      { timeoutMs: ctx.settings.readyTimeoutSeconds * 1000, what: `Knative Service ${name} Ready with revision ${i}`, signal: ctx.signal },
    );
    const revision = svc.status!.latestReadyRevisionName!;
    await learnRevision(ctx, revision, token);
    revisions.push(revision);
  }
  const url = ctx.require(svc?.status?.url, `Ready Service ${name} has no status.url`);
  return { name, url, revisions, template: template! };
}

/**
 * Sets spec.traffic to `percents` (revision -> percent, summing to 100) and waits until the Service is Ready for
 * it with status.traffic saying the same: Knative's Route is Ready only once its ingress serves it.
 * Returns the seconds that took.
 */
export async function setTraffic(ctx: RequirementContext, svc: RevisionedService, percents: Record<string, number>): Promise<number> {
  const started = Date.now();
  const traffic = Object.entries(percents).map(([revisionName, percent]) => ({ revisionName, percent }));
  const manifest = probeService(svc.template);
  manifest.spec = { ...manifest.spec!, traffic };
  manifest.validate();
  await ctx.cluster.apply(manifest);
  // Compared without 0% targets, which a platform may keep in status or leave out.
  const routed = (ts: { revisionName?: string; percent?: number }[]) =>
    JSON.stringify(ts.filter((t) => (t.percent ?? 0) > 0).map((t) => [t.revisionName, t.percent]));
  const want = routed(traffic);
  await ctx.cluster.waitFor<KService>(
    serviceRef(svc.name),
    (s) => ready(s) && routed(s?.status?.traffic ?? []) === want,
    { timeoutMs: ctx.settings.readyTimeoutSeconds * 1000, what: `Knative Service ${svc.name} Ready with traffic ${label(percents)}`, signal: ctx.signal },
  );
  return (Date.now() - started) / 1000;
}

/** `70/30`: the percents in order. */
export function label(percents: Record<string, number>): string {
  return Object.values(percents).join('/');
}
