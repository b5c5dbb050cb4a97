import { discoverGateway, probeService, requirement, serviceRef, waitReady, type KService } from '../../../harness/index.ts';
import { learnRevision, templateToken, TEMPLATE_ENV } from '../revision-identity.ts';
import { revisionsAnswering, TAG_REQUESTS } from './requests.ts';

/**
 * Two revisions: the first tagged `previous` with 0% of the main URL's traffic, the latest with 100% (and
 * tagged `current`). The tagged revision must answer at its tag URL, every time, and never at the main URL.
 */
export default requirement({
  id: 'SERVING.TRAFFIC.TAG',
  level: 'MUST',
  layer: 'serving',
  profile: 'conformance',
  title:
    'A tagged revision answers at its tag URL (status.traffic[].url) and only there: every request to the tag URL reaches it, ' +
    'and the main URL follows spec.traffic (0% for it)',
  upstream:
    'Knative Serving API specification 1.0 (knative/specs specs/serving/knative-api-specification-1.0.md), "Detailed Resource Types - v1", ' +
    'TrafficTarget: tag "Tag is optionally used to expose a dedicated URL for referencing this target exclusively. The dedicated URL MUST ' +
    'include in it the string provided by tag."; url "The URL at which the tag endpoint is reachable."; "Request Routing": "Requests to a ' +
    'specific Host MUST be dispatched to Revision instances in accordance with the weights specified in the Route"',
  bound:
    'the resources applied (revision 1 tagged "previous" at 0%, the latest tagged "current" at 100%); 30 requests per URL, all answered ' +
    'by the expected revision (a >= 10% misroute is caught at 95% confidence); settings.readyTimeoutSeconds, settings.requestTimeoutSeconds',
  parallel: true,
  mutants: ['tag-routes-to-latest'],
}, async (ctx) => {
  const { cluster, settings, log } = ctx;
  const name = 'tagged';
  const timeoutMs = settings.readyTimeoutSeconds * 1000;
  // Each template carries its own token, which the probe answers with: which revision answered is known by
  // reading the Revisions, whether or not the platform sets K_REVISION (a SHOULD of the runtime contract).
  const [v1, v2] = [templateToken(name, 1), templateToken(name, 2)];
  await cluster.apply(probeService({ name, env: { [TEMPLATE_ENV]: v1 } }));
  try {
    const first = await waitReady(cluster, name, timeoutMs, ctx.signal);
    const tagged = ctx.require(first.status?.latestReadyRevisionName, 'Ready Service has no status.latestReadyRevisionName');
    await learnRevision(ctx, tagged, v1);

    const second = probeService({ name, env: { [TEMPLATE_ENV]: v2 } });
    second.spec!.traffic = [
      { tag: 'previous', revisionName: tagged, percent: 0 },
      { tag: 'current', latestRevision: true, percent: 100 },
    ];
    second.validate();
    await cluster.apply(second);
    const svc = await cluster.waitFor<KService>(
      serviceRef(name),
      (s) =>
        s?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' &&
        s.status.observedGeneration === s.metadata?.generation &&
        s.status.latestReadyRevisionName !== tagged &&
        (s.status.traffic ?? []).filter((t) => t.tag && t.url).length === 2,
      { timeoutMs, what: `Knative Service ${name} Ready with a second revision and two tag URLs`, signal: ctx.signal },
    );
    const latest = svc.status!.latestReadyRevisionName!;
    await learnRevision(ctx, latest, v2);
    const mainUrl = ctx.require(svc.status?.url, 'Ready Service has no status.url');
    const tagUrl = (tag: string) => ctx.require(svc.status?.traffic?.find((t) => t.tag === tag)?.url, `status.traffic has no url for tag ${tag}`);
    const previousUrl = tagUrl('previous');
    const currentUrl = tagUrl('current');
    log.observe('status.traffic', JSON.stringify(svc.status?.traffic));
    ctx.must('the tag URL includes the tag', new URL(previousUrl).hostname.includes('previous'), `the tag URL ${previousUrl} does not include the tag "previous"`);

    const gateway = await discoverGateway(cluster, settings.gateway);
    log.note(`gateway ${gateway.host}:${gateway.port} from ${gateway.source}`);
    const timeout = settings.requestTimeoutSeconds * 1000;
    const [atTag, atCurrent, atMain] = await Promise.all([
      revisionsAnswering(previousUrl, gateway, timeout, ctx.signal),
      revisionsAnswering(currentUrl, gateway, timeout, ctx.signal),
      revisionsAnswering(mainUrl, gateway, timeout, ctx.signal),
    ]);
    log.sample(TAG_REQUESTS, 0.95);
    log.note(
      `${TAG_REQUESTS} requests per URL, each on a fresh connection: a URL that sent >= 10% of its requests elsewhere ` +
        `would show it with >= 95% probability (1 - 0.9^${TAG_REQUESTS})`,
    );
    log.observe(`tag previous (${previousUrl}): answered by`, JSON.stringify(atTag), { bound: `{"${tagged}":${TAG_REQUESTS}}` });
    log.observe(`tag current (${currentUrl}): answered by`, JSON.stringify(atCurrent), { bound: `{"${latest}":${TAG_REQUESTS}}` });
    log.observe(`main URL (${mainUrl}): answered by`, JSON.stringify(atMain), { bound: `{"${latest}":${TAG_REQUESTS}} (${tagged} has 0%)` });

    const only = (counts: Record<string, number>, revision: string) => Object.keys(counts).length === 1 && counts[revision] === TAG_REQUESTS;
    ctx.must('the tag URL of the tagged revision reaches only it', only(atTag, tagged), `the tag URL ${previousUrl} of revision ${tagged} was answered by ${JSON.stringify(atTag)}, not only by ${tagged}`);
    ctx.must('the tag URL of the latest revision reaches only it', only(atCurrent, latest), `the tag URL ${currentUrl} of revision ${latest} was answered by ${JSON.stringify(atCurrent)}, not only by ${latest}`);
    ctx.must('the main URL follows spec.traffic: only the latest revision, at 100%', only(atMain, latest), `the main URL ${mainUrl} (100% ${latest}, 0% ${tagged}) was answered by ${JSON.stringify(atMain)}`);
  } finally {
    await cluster.delete(serviceRef(name));
  }
});
