import { defineTargetFacts } from '../../harness/index.ts';

/**
 * What the serving layer records of the target it ran against (results.json, `serving/<name>`): the
 * config-autoscaler the autoscaling and cold-start bounds derive from (null when the ConfigMap is absent).
 */
export default defineTargetFacts({
  'config-autoscaler': (cluster) => cluster.readConfigMap('knative-serving', 'config-autoscaler').then((d) => d ?? null),
});
