import type { ClusterPolicy } from './destination-rule.ts';
import { envoyDuration } from './envoy-duration.ts';
import type { OutboundMutants } from './outbound-options.ts';

/** Istio's circuit-breaker defaults: effectively unlimited (Envoy's own 1,024 would shed load). */
export const UNLIMITED = 4_294_967_295;
/** MeshConfig connectTimeout's default. */
export const DEFAULT_CONNECT_TIMEOUT = '10s';

export interface Thresholds {
  max_connections: number;
  max_pending_requests: number;
  max_requests: number;
  max_retries: number;
  track_remaining: boolean;
}

/** The cluster fields a DestinationRule traffic policy decides. */
export interface PolicyFields {
  connect_timeout: string;
  lb_policy: 'LEAST_REQUEST' | 'ROUND_ROBIN' | 'RANDOM';
  circuit_breakers: { thresholds: Thresholds[] };
  outlier_detection?: Record<string, unknown>;
  common_lb_config?: { healthy_panic_threshold: { value: number } };
  /** For the cluster's HttpProtocolOptions (`common_http_protocol_options`). */
  common_http_protocol_options?: Record<string, unknown>;
  /** connectionPool.http.h2UpgradePolicy UPGRADE or useClientProtocol, which decide the upstream protocol. */
  upstreamProtocol?: 'http2' | 'downstream';
}

/**
 * A resolved traffic policy -> cluster fields, as istiod's applyTrafficPolicy: connection-pool limits into the
 * circuit breakers (a 0/unset limit keeps Istio's unlimited default), outlierDetection as Envoy's with success-
 * rate ejection off and the panic threshold at minHealthPercent (0 unless set), `loadBalancer.simple` (default
 * LEAST_REQUEST, Istio's).
 */
export function policyFields(policy: ClusterPolicy, mutants: OutboundMutants, warn: (m: string) => void): PolicyFields {
  const thresholds: Thresholds = { max_connections: UNLIMITED, max_pending_requests: UNLIMITED, max_requests: UNLIMITED, max_retries: UNLIMITED, track_remaining: true };
  const out: PolicyFields = { connect_timeout: DEFAULT_CONNECT_TIMEOUT, lb_policy: 'LEAST_REQUEST', circuit_breakers: { thresholds: [thresholds] } };
  const { connectionPool: pool, outlierDetection: outlier, loadBalancer: lb } = policy;
  const http = pool?.http;
  const tcp = pool?.tcp;
  if (!mutants.noOverflowLimit) {
    if (http?.http2MaxRequests) thresholds.max_requests = http.http2MaxRequests;
    if (http?.http1MaxPendingRequests) thresholds.max_pending_requests = http.http1MaxPendingRequests;
    if (http?.maxRetries) thresholds.max_retries = http.maxRetries;
    if (tcp?.maxConnections) thresholds.max_connections = tcp.maxConnections;
  }
  if (tcp?.connectTimeout) out.connect_timeout = envoyDuration(tcp.connectTimeout);
  const common: Record<string, unknown> = {};
  const idle = http?.idleTimeout ?? tcp?.idleTimeout;
  if (idle) common.idle_timeout = envoyDuration(idle);
  if (http?.maxRequestsPerConnection) common.max_requests_per_connection = http.maxRequestsPerConnection;
  if (tcp?.maxConnectionDuration) common.max_connection_duration = envoyDuration(tcp.maxConnectionDuration);
  if (Object.keys(common).length > 0) out.common_http_protocol_options = common;
  if (http?.useClientProtocol) out.upstreamProtocol = 'downstream';
  else if (http?.h2UpgradePolicy === 'UPGRADE') out.upstreamProtocol = 'http2';
  if (outlier && !mutants.noEjection) {
    out.outlier_detection = outlierDetection(outlier);
    out.common_lb_config = { healthy_panic_threshold: { value: outlier.minHealthPercent ?? 0 } };
  }
  if (lb) {
    const simple = lb.simple;
    if (simple === 'ROUND_ROBIN' || simple === 'RANDOM') out.lb_policy = simple;
    else if (simple && simple !== 'LEAST_REQUEST' && simple !== 'LEAST_CONN' && simple !== 'UNSPECIFIED') warn(`loadBalancer.simple ${simple} is not supported; LEAST_REQUEST used`);
    const unsupported = ['consistentHash', 'localityLbSetting', 'warmup', 'warmupDurationSecs'].filter((k) => k in lb);
    if (unsupported.length > 0) warn(`loadBalancer ${unsupported.join(', ')} not supported; left out`);
  }
  return out;
}

type Outlier = NonNullable<ClusterPolicy['outlierDetection']>;

/** As istiod's applyOutlierDetection: each configured consecutive-error kind enforced at 100%, success rate off. */
function outlierDetection(o: Outlier): Record<string, unknown> {
  const out: Record<string, unknown> = { enforcing_success_rate: 0 };
  if (o.consecutive5xxErrors !== undefined) {
    out.consecutive_5xx = o.consecutive5xxErrors;
    out.enforcing_consecutive_5xx = o.consecutive5xxErrors > 0 ? 100 : 0;
  }
  if (o.consecutiveGatewayErrors !== undefined) {
    out.consecutive_gateway_failure = o.consecutiveGatewayErrors;
    out.enforcing_consecutive_gateway_failure = o.consecutiveGatewayErrors > 0 ? 100 : 0;
  }
  if (o.interval) out.interval = envoyDuration(o.interval);
  if (o.baseEjectionTime) out.base_ejection_time = envoyDuration(o.baseEjectionTime);
  if (o.maxEjectionPercent) out.max_ejection_percent = o.maxEjectionPercent;
  if (o.splitExternalLocalOriginErrors) {
    out.split_external_local_origin_errors = true;
    if (o.consecutiveLocalOriginFailures) {
      out.consecutive_local_origin_failure = o.consecutiveLocalOriginFailures;
      out.enforcing_consecutive_local_origin_failure = 100;
    }
    out.enforcing_local_origin_success_rate = 0;
  }
  return out;
}
