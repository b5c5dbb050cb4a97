import { discoverGateway, probeService, requirement, serviceRef, waitReady } from '../../../harness/index.ts';
import type { ProbeAnswer } from '../probe-answer.ts';
import { concurrentGets, readyPods } from './requests.ts';

/** Two pods, so that the limit is seen per pod and not by chance of a single one. */
const PODS = 2;
/**
 * Ten requests at once, each held 200 ms by the probe: five times the capacity of two pods at
 * containerConcurrency 1, and within the queue Knative's queue-proxy keeps per pod (10 x containerConcurrency)
 * even if all of them reach one pod.
 */
const REQUESTS = 10;
const DELAY_MS = 200;

export default requirement({
  id: 'SERVING.CONCURRENCY.HARD-LIMIT',
  level: 'MUST',
  layer: 'serving',
  profile: 'conformance',
  title:
    'With containerConcurrency 1 no pod ever serves two requests at once (the probe counts its own in-flight maximum), ' +
    'and requests beyond the limit queue rather than fail',
  upstream:
    'Knative Serving API specification 1.0 (knative/specs specs/serving/knative-api-specification-1.0.md), "Detailed Resources – v1", ' +
    'Revision spec, containerConcurrency (Schema Requirement: REQUIRED): "The maximum number of concurrent requests being handled by a ' +
    'single instance of containers[0]. The default value is 0, which means that the system decides."; "Request Routing": "When a selected ' +
    'Revision does not have available instances, the routing infrastructure MUST hold (delay) requests until an available instance is ' +
    'ready, scheduling a new container instance if needed."',
  bound:
    'the resources applied: containerConcurrency 1, 2 pods (min-scale = max-scale = 2, target-burst-capacity 0), 10 concurrent requests ' +
    'held 200 ms each: every one 200, probe maxInflight <= 1 on every pod; settings.requestTimeoutSeconds per request',
  // Ten requests are no load, and a busy machine only makes them wait longer: sharing it cannot change the verdict.
  parallel: true,
  mutants: ['ignores-container-concurrency'],
}, async (ctx) => {
  const { cluster, settings, log } = ctx;
  const name = 'hard-limit';
  const svc = probeService({
    name,
    annotations: {
      'autoscaling.knative.dev/min-scale': String(PODS),
      'autoscaling.knative.dev/max-scale': String(PODS),
      // 0: the activator leaves the path once pods are up, so the pods' own limit is what is tested.
      'autoscaling.knative.dev/target-burst-capacity': '0',
    },
  });
  svc.spec!.template!.spec!.containerConcurrency = 1;
  svc.validate();
  await cluster.apply(svc);
  try {
    const ready = await waitReady(cluster, name, settings.readyTimeoutSeconds * 1000, ctx.signal);
    const url = ctx.require(ready.status?.url, 'Ready Service has no status.url');
    const revision = ctx.require(ready.status?.latestReadyRevisionName, 'Ready Service has no status.latestReadyRevisionName');
    await readyPods(cluster, revision, PODS, settings.readyTimeoutSeconds * 1000, ctx.signal);
    const gateway = await discoverGateway(cluster, settings.gateway);

    const res = await concurrentGets(`${url}/?delay=${DELAY_MS}`, gateway, REQUESTS, settings.requestTimeoutSeconds * 1000, ctx.signal);
    const statuses: Record<string, number> = {};
    const perPod = new Map<string, { requests: number; maxInflight: number }>();
    for (const r of res) {
      const key = r.error ? 'no response' : String(r.status);
      statuses[key] = (statuses[key] ?? 0) + 1;
      if (r.status !== 200) continue;
      const a = JSON.parse(r.body) as ProbeAnswer & { maxInflight: number };
      const p = perPod.get(a.pod ?? '?') ?? { requests: 0, maxInflight: 0 };
      p.requests++;
      p.maxInflight = Math.max(p.maxInflight, a.maxInflight);
      perPod.set(a.pod ?? '?', p);
    }
    const maxInflight = Math.max(0, ...[...perPod.values()].map((p) => p.maxInflight));
    const slowest = Math.max(...res.map((r) => Math.round(r.durationMs))) / 1000;
    const ok = statuses['200'] ?? 0;
    log.sample(res.length);
    log.observe('containerConcurrency', 1);
    log.observe('concurrent requests', res.length, { unit: `each held ${DELAY_MS} ms by the probe` });
    log.observe('answered 200', ok, { bound: `= ${res.length} (excess requests queue)` });
    log.observe('statuses', JSON.stringify(statuses));
    log.observe('highest in-flight count any pod saw (probe maxInflight)', maxInflight, { bound: '<= 1' });
    for (const [pod, p] of perPod) log.observe(`pod ${pod}`, `${p.requests} requests, maxInflight ${p.maxInflight}`);
    log.observe('slowest response', slowest, { unit: 's' });

    const crowded = [...perPod].filter(([, p]) => p.maxInflight > 1).map(([pod, p]) => `${pod} (${p.maxInflight})`);
    ctx.must('no pod serves two requests at once', crowded.length === 0, `with containerConcurrency 1, pods served several requests at once: ${crowded.join(', ')} (probe maxInflight)`);
    const bad = res.find((r) => r.status !== 200);
    ctx.must('requests beyond the limit queue and answer 200', ok === res.length, `${res.length - ok} of ${res.length} requests beyond the limit failed instead of queueing (${JSON.stringify(statuses)}); e.g. ${bad?.error ?? `${bad?.status} ${bad?.body.slice(0, 160)}`}`);
    if (slowest < (2 * DELAY_MS) / 1000) {
      ctx.inconclusive(`no request waited (slowest ${slowest} s < 2 x ${DELAY_MS} ms): the ${res.length} requests never exceeded the pods' capacity`);
    }
  } finally {
    await cluster.delete(serviceRef(name));
  }
});
