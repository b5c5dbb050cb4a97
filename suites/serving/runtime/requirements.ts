import type { RequirementDeclaration } from '../../../harness/requirements/types.ts';

const CONTRACT = 'Knative Serving runtime contract (knative/specs specs/serving/runtime-contract.md)';
const ONE_REQUEST =
  'one request through the gateway to a Service of the probe (min-scale 1); settings.readyTimeoutSeconds, settings.requestTimeoutSeconds';

/** The runtime contract's observable requirements, checked from inside the container (suites/serving/runtime). */
export const RUNTIME: readonly RequirementDeclaration[] = [
  {
    id: 'SERVING.RUNTIME.ENV',
    level: 'MUST',
    layer: 'serving',
    title: 'The container gets PORT in its environment, and requests reach it on that port',
    upstream: `${CONTRACT}, "Environment Variables" (PORT MUST be set) and "Protocols and Ports" (the selected port is made available in PORT)`,
    bound: `PORT a port number and equal to the port the request arrived on; ${ONE_REQUEST}`,
    parallel: true,
  },
  {
    id: 'SERVING.RUNTIME.ENV-K',
    level: 'SHOULD',
    layer: 'serving',
    title: 'The container gets K_SERVICE, K_CONFIGURATION and K_REVISION naming its Service, Configuration and Revision',
    upstream: `${CONTRACT}, "Environment Variables" (K_REVISION, K_CONFIGURATION, K_SERVICE SHOULD be set)`,
    bound: `equal to the Service's name (twice) and its status.latestReadyRevisionName; ${ONE_REQUEST}`,
    parallel: true,
  },
  {
    id: 'SERVING.RUNTIME.HEADERS',
    level: 'MUST',
    layer: 'serving',
    title: 'Requests reach the container with the Host they were sent with and a Forwarded header (RFC 7239)',
    upstream: `${CONTRACT}, "Headers" (Host MUST be set as RFC 7230 5.4 specifies; Forwarded MUST be set as RFC 7239 specifies)`,
    bound: `Host = the host of status.url; Forwarded parses as RFC 7239, and its proto and host, if given, are http and that host; ${ONE_REQUEST}`,
    parallel: true,
  },
  {
    id: 'SERVING.RUNTIME.HEADERS-X-FORWARDED',
    level: 'SHOULD',
    layer: 'serving',
    title: 'Requests reach the container with X-Forwarded-For (IP addresses) and X-Forwarded-Proto',
    upstream: `${CONTRACT}, "Headers" (the legacy headers X-Forwarded-For and X-Forwarded-Proto SHOULD be set)`,
    bound: `X-Forwarded-For a comma-separated list of IP addresses, X-Forwarded-Proto = http; ${ONE_REQUEST}`,
    parallel: true,
  },
  {
    id: 'SERVING.RUNTIME.FILESYSTEM',
    level: 'MUST',
    layer: 'serving',
    title: '/tmp is writable in the container: a file can be written there, read back and removed',
    upstream: `${CONTRACT}, "Default Filesystems" (/tmp MUST be read-write)`,
    bound: `the probe's write=/tmp knob reports ok; ${ONE_REQUEST}`,
    parallel: true,
  },
  {
    id: 'SERVING.RUNTIME.TIMEOUT',
    level: 'MUST',
    layer: 'serving',
    title: "A request that outlasts the revision's timeoutSeconds is cut with an error status (5xx) at that time; a shorter one completes",
    upstream:
      'Knative Serving API specification 1.0, "Revision" (spec.timeoutSeconds: the maximum duration in seconds that the instance is ' +
      'allowed to respond to a request; REQUIRED)',
    bound:
      'the resources applied: timeoutSeconds 2; a request held 1 s by the app answers 200, one held 6 s ends with a 5xx between ' +
      '1.75 and 4 s after it was sent',
    parallel: true,
  },
];
