import type { RequirementDeclaration } from '../../../harness/requirements/types.ts';

/** Traffic tags (suites/serving/tags). */
export const TAGS: readonly RequirementDeclaration[] = [
  {
    id: 'SERVING.TRAFFIC.TAG',
    level: 'MUST',
    layer: 'serving',
    title:
      'A tagged revision answers at its tag URL (status.traffic[].url) and only there: every request to the tag URL reaches it, ' +
      'and the main URL follows spec.traffic (0% for it)',
    upstream:
      'Knative Serving API specification 1.0, "TrafficTarget" (tag: a dedicated URL for referencing this target exclusively, which MUST ' +
      'include the tag; url: the URL at which the tag endpoint is reachable) and "Route" (status.traffic)',
    bound:
      'the resources applied (revision 1 tagged "previous" at 0%, the latest tagged "current" at 100%); 30 requests per URL, all answered ' +
      'by the expected revision (a >= 10% misroute is caught at 95% confidence); settings.readyTimeoutSeconds, settings.requestTimeoutSeconds',
    parallel: true,
  },
];
