/**
 * The mutants the outbound translation carries (mutants/offered.ts), as flags: each makes one Istio
 * traffic-management promise false in a way a check can observe.
 */
export interface OutboundMutants {
  /** Weighted route destinations get this many percentage points of the total moved from the last one to the first. */
  weightsSkew?: number | undefined;
  /** Every fault-injection percentage (delay and abort) is lowered by this many percentage points (not below 0). */
  faultRateOff?: number | undefined;
  /** No retry policy on any route: neither the VirtualService's nor Istio's default. */
  retriesIgnored?: boolean;
  /** DestinationRule connection-pool limits are not applied: the circuit breakers stay at Istio's unlimited defaults. */
  noOverflowLimit?: boolean;
  /** DestinationRule outlierDetection is dropped: failing endpoints are never ejected. */
  noEjection?: boolean;
  /** Header conditions of VirtualService matches are dropped, so the first such rule takes all its traffic. */
  ignoresHeaderMatch?: boolean;
  /** VirtualService mirror/mirrors are dropped. */
  mirrorIgnored?: boolean;
  /** The VirtualService's route `timeout` is not applied (requests wait for the upstream). */
  timeoutIgnored?: boolean;
}

export interface OutboundOptions {
  mutants?: OutboundMutants;
  /** The cluster's DNS domain (default `cluster.local`). */
  clusterDomain?: string;
  /** Told about Istio features the translation leaves out (the resource is translated without them). */
  warn?: (message: string) => void;
}

export const TYPE_URL = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  routeConfiguration: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  hcm: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  fault: 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
  router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  httpProtocolOptions: 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  rawBuffer: 'type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer',
  previousHosts: 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
  previousPriorities: 'type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig',
} as const;

/** The outbound listener's route configuration; istiod names its HTTP proxy's (all ports in one) the same. */
export const OUTBOUND_ROUTE_NAME = 'http_proxy';
export const FAULT_FILTER = 'envoy.filters.http.fault';

/**
 * An Istio percentage (0-100, fractions allowed) as Envoy's FractionalPercent, as istiod writes it (truncated);
 * `off` is the fault-rate-off mutant's points, taken off first (not below 0).
 */
export function fractionOfMillion(percent: number, off = 0): { numerator: number; denominator: 'MILLION' } {
  return { numerator: Math.trunc(Math.max(0, percent - off) * 10_000), denominator: 'MILLION' };
}
