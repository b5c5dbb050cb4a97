import type { RequirementDeclaration } from '../../../harness/requirements/types.ts';

const VS = 'Istio API reference, networking.istio.io/v1 VirtualService';

/** Request routing by VirtualService (suites/mesh/routing). */
export const ROUTING: readonly RequirementDeclaration[] = [
  {
    id: 'MESH.ROUTE.HEADER-MATCH',
    level: 'MUST',
    layer: 'mesh',
    title: 'A VirtualService rule matching a request header sends those requests, and only those, to its destination (user-group: beta to v2, the rest to v1)',
    upstream: `${VS}: HTTPMatchRequest.headers (exact), rules evaluated in order, the first match wins; DestinationRule subsets`,
    bound: '20 requests with the header all answered by v2, 20 without all by v1',
    parallel: true,
  },
  {
    id: 'MESH.ROUTE.WEIGHTS',
    level: 'MUST',
    layer: 'mesh',
    title: "The observed shares of a VirtualService's weighted destinations match their weights (70/30) within 2 percentage points at 99% confidence",
    upstream: `${VS}: HTTPRouteDestination.weight ("the proportion of traffic to be forwarded to the service version")`,
    bound: 'tolerance 2 pp, confidence 0.99, decided sequentially (harness/stats/split-test.ts), at most 50,000 requests',
  },
];
