import type { RequirementDeclaration } from '../../../harness/requirements/types.ts';

/** Knative Serving's traffic requirements (suites/serving/traffic/*.spec.ts). */
export const TRAFFIC: RequirementDeclaration[] = [
  {
    id: 'SERVING.TRAFFIC.SPLIT',
    level: 'MUST',
    layer: 'serving',
    title:
      'Requests are split among revisions per request in the shares spec.traffic names, two-way and three-way, on fresh and on keep-alive connections',
    upstream:
      'Knative Serving API specification 1.0, "Route" (spec.traffic: percent of traffic to each target) and "Service"; ' +
      'routing per request as Istio\'s VirtualService weighted route destinations (HTTPRouteDestination.weight)',
    bound:
      'each share within 2 pp of its percent, decided by a sequential test (anytime-valid confidence sequences, harness/stats) ' +
      'at 99% confidence for the requirement (4 splits at 99.75% each), at most 50,000 requests per split; on keep-alive ' +
      'connections every connection sees every revision',
  },
  {
    id: 'SERVING.TRAFFIC.ROLLOUT',
    level: 'MUST',
    layer: 'serving',
    title: 'Moving traffic from one revision to another in steps (0/100, 25/75, 50/50, 100/0) under steady load loses no request',
    upstream:
      'Knative Serving API specification 1.0, "Route" (spec.traffic updates; Ready once the ingress serves the new split); ' +
      'Knative docs, "Traffic management: gradual rollout"',
    bound: 'no non-2xx answer and no connection error among all requests of a constant-arrival-rate k6 load (200/s) spanning the steps; inconclusive when a step carried fewer than 100 requests',
  },
];
