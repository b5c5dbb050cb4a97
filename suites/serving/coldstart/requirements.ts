import type { RequirementDeclaration } from '../../../harness/requirements/types.ts';

const ZERO =
  'Services at min-scale 0 are first left idle until they have no pod: at most 2 x (stable-window + max(scale-to-zero-grace-period, ' +
  'scale-to-zero-pod-retention-period)) + 10 s, read from knative-serving/config-autoscaler (else inconclusive)';

/** Cold starts: a request to a revision at zero pods (suites/serving/coldstart). */
export const COLDSTART: readonly RequirementDeclaration[] = [
  {
    id: 'SERVING.COLDSTART.SINGLE',
    level: 'MUST',
    layer: 'serving',
    title: 'The first request to a revision scaled to zero succeeds: it is held until a pod is ready, not refused (5 trials)',
    upstream:
      'Knative Serving runtime contract, "Network Environment" (0->many scaling: inbound requests are captured and stalled until an ' +
      'autoscaled container is available); Knative Serving docs, "Configuring scale to zero"',
    bound: `${ZERO}; each request settings.requestTimeoutSeconds (default 30 s), answered 200`,
  },
  {
    id: 'SERVING.COLDSTART.P95',
    level: 'SHOULD',
    layer: 'serving',
    title: 'The 95th percentile of cold starts (request sent at zero pods to first response byte, 5 trials) is within the configured bound',
    upstream: 'Knative Serving docs, "Configuring scale to zero" and the autoscaling docs (cold-start latency); run configuration',
    bound: `settings.coldStartP95Seconds (default 10 s), nearest-rank p95 of 5 trials (= their maximum); ${ZERO}`,
  },
  {
    id: 'SERVING.COLDSTART.BURST',
    level: 'MUST',
    layer: 'serving',
    title: '20 concurrent requests arriving at a revision scaled to zero all succeed; none is a 5xx',
    upstream:
      'Knative Serving runtime contract, "Network Environment" (requests captured and stalled until a container is available); ' +
      'Knative Serving docs, activator and target-burst-capacity (the activator buffers requests while pods start)',
    bound: `${ZERO}; each request settings.requestTimeoutSeconds (default 30 s)`,
  },
];
