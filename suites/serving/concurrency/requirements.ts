import type { RequirementDeclaration } from '../../../harness/requirements/types.ts';

/** containerConcurrency (suites/serving/concurrency). */
export const CONCURRENCY: readonly RequirementDeclaration[] = [
  {
    id: 'SERVING.CONCURRENCY.HARD-LIMIT',
    level: 'MUST',
    layer: 'serving',
    title:
      'With containerConcurrency 1 no pod ever serves two requests at once (the probe counts its own in-flight maximum), ' +
      'and requests beyond the limit queue rather than fail',
    upstream:
      'Knative Serving API specification 1.0, "Revision" (spec.containerConcurrency: the maximum number of concurrent requests ' +
      'being handled by a single instance of containers[0]); Knative docs, "Configuring concurrency" (hard limit: excess requests are buffered)',
    bound:
      'the resources applied: containerConcurrency 1, 2 pods (min-scale = max-scale = 2, target-burst-capacity 0), 10 concurrent requests ' +
      'held 200 ms each: every one 200, probe maxInflight <= 1 on every pod; settings.requestTimeoutSeconds per request',
    // Ten requests are no load, and a busy machine only makes them wait longer: sharing it cannot change the verdict.
    parallel: true,
  },
];
