import type { RequirementDeclaration } from '../../../harness/requirements/types.ts';

const FAULT = 'Istio API reference, networking.istio.io/v1 VirtualService, HTTPFaultInjection';

/** Fault injection (suites/mesh/faults). */
export const FAULTS: readonly RequirementDeclaration[] = [
  {
    id: 'MESH.FAULT.ABORT-RATE',
    level: 'MUST',
    layer: 'mesh',
    title: 'A VirtualService abort fault answers the configured share of requests (30%) with the configured status (418), the rest reach the service',
    upstream: `${FAULT}.Abort (httpStatus, percentage: "percentage of requests to be aborted")`,
    bound: 'observed share of 418s within 3 pp of 30% at 99% confidence, decided sequentially (harness/stats/split-test.ts), at most 30,000 requests',
  },
  {
    id: 'MESH.FAULT.DELAY',
    level: 'MUST',
    layer: 'mesh',
    title: 'A VirtualService delay fault delays the configured share of requests (50%) by the configured time (200 ms)',
    upstream: `${FAULT}.Delay (fixedDelay, percentage: "percentage of requests on which the delay will be injected")`,
    bound: 'share of requests taking >= 200 ms within 5 pp of 50% at 99% confidence (sequential, at most 20,000 requests); the delayed ones\' median under 200 ms + 250 ms',
  },
];
