import type { RequirementDeclaration } from '../../../harness/requirements/types.ts';

const VS = 'Istio API reference, networking.istio.io/v1 VirtualService';
const DR = 'Istio API reference, networking.istio.io/v1 DestinationRule';

/** Retries, timeouts, mirroring and circuit breaking (suites/mesh/resilience). */
export const RESILIENCE: readonly RequirementDeclaration[] = [
  {
    id: 'MESH.RETRY.RECOVERS',
    level: 'MUST',
    layer: 'mesh',
    title: 'With an upstream failing half of its requests and 2 retries on 5xx, the observed success rate is consistent with 1 - 0.5^3 = 87.5%',
    upstream: `${VS}, HTTPRetry (attempts, retryOn 5xx)`,
    bound: 'observed success share within 3 pp of 87.5% at 99% confidence, decided sequentially, at most 30,000 requests',
  },
  {
    id: 'MESH.RETRY.PER-TRY-TIMEOUT',
    level: 'MUST',
    layer: 'mesh',
    title: 'A per-try timeout ends each attempt on a slow upstream: with perTryTimeout 200 ms and 2 retries, a 1 s upstream gives 504 well before 1 s',
    upstream: `${VS}, HTTPRetry.perTryTimeout`,
    bound: '10 requests to an upstream answering after 1000 ms: each a 504 in under 1000 ms',
    parallel: true,
  },
  {
    id: 'MESH.TIMEOUT',
    level: 'MUST',
    layer: 'mesh',
    title: 'A VirtualService route timeout (300 ms) answers a slower upstream with 504 at the timeout',
    upstream: `${VS}, HTTPRoute.timeout`,
    bound: '10 requests to an upstream answering after 1000 ms: each a 504 after at least 300 ms and under 1000 ms',
    parallel: true,
  },
  {
    id: 'MESH.MIRROR',
    level: 'MUST',
    layer: 'mesh',
    title: 'A VirtualService mirror sends a copy of every request (mirrorPercentage 100) to the mirror destination, while the answers come from the route',
    upstream: `${VS}, HTTPRoute.mirror and mirrorPercentage`,
    bound: '20 requests: all answered by v1, and v2 received 20 more requests',
    parallel: true,
  },
  {
    id: 'MESH.CIRCUIT.OVERFLOW',
    level: 'MUST',
    layer: 'mesh',
    title: 'Requests beyond a DestinationRule connection pool (1 connection, 1 pending request) are refused at once with 503 and x-envoy-overloaded: true',
    upstream: `${DR}, ConnectionPoolSettings (tcp.maxConnections, http.http1MaxPendingRequests); Istio's circuit breaking task`,
    bound: '20 concurrent requests to a 500 ms upstream: at least one refused; every request not answered 200 is a 503 with x-envoy-overloaded: true',
    parallel: true,
  },
  {
    id: 'MESH.CIRCUIT.OUTLIER-EJECTION',
    level: 'MUST',
    layer: 'mesh',
    title: 'An endpoint answering 5xx is ejected after consecutive5xxErrors failures: the requests after that reach the healthy endpoint only',
    upstream: `${DR}, OutlierDetection (consecutive5xxErrors, baseEjectionTime, maxEjectionPercent)`,
    bound: 'consecutive5xxErrors 2, one of two endpoints failing, 60 requests one after another: at most 5 failed, the last 30 all 200',
    parallel: true,
  },
];
