import { envoyDuration } from './envoy-duration.ts';
import { fractionOfMillion, TYPE_URL } from './outbound-options.ts';
import type { HttpRule } from './route-match.ts';

type Retries = NonNullable<HttpRule['retries']>;
type Fault = NonNullable<HttpRule['fault']>;

/** Istio's outbound default when a rule says nothing about retries (istiod route/retry DefaultPolicy). */
export const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

export interface RetryPolicy {
  retry_on: string;
  num_retries: number;
  retriable_status_codes?: number[];
  per_try_timeout?: string;
  retry_host_predicate?: object[];
  host_selection_retry_max_attempts: string;
  retry_priority?: object;
  retry_back_off?: { base_interval: string };
}

const previousHosts = { name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': TYPE_URL.previousHosts } };

/**
 * A VirtualService `retries` -> Envoy's RetryPolicy, as istiod's ConvertPolicy: unset means Istio's default
 * (2 retries on connection-level failures, another host preferred); `attempts: 0` means none; numbers in
 * `retryOn` are status codes (and bring `retriable-status-codes` along).
 */
export function retryPolicy(retries: Retries | undefined): RetryPolicy | undefined {
  const out: RetryPolicy = { retry_on: DEFAULT_RETRY_ON, num_retries: 2, retry_host_predicate: [previousHosts], host_selection_retry_max_attempts: '5' };
  if (!retries) return out;
  if (!retries.attempts || retries.attempts <= 0) return undefined;
  out.num_retries = retries.attempts;
  if (retries.retryOn) {
    const parts = retries.retryOn.split(',').map((p) => p.trim()).filter((p) => p !== '');
    const isCode = (p: string) => /^\d+$/.test(p) && Number(p) >= 100 && Number(p) <= 599;
    const codes = parts.filter(isCode).map(Number);
    const conditions = parts.filter((p) => !isCode(p));
    if (codes.length > 0 && !conditions.includes('retriable-status-codes')) conditions.push('retriable-status-codes');
    out.retry_on = conditions.join(',');
    if (codes.length > 0) out.retriable_status_codes = codes;
  }
  if (retries.perTryTimeout) out.per_try_timeout = envoyDuration(retries.perTryTimeout);
  if (retries.retryIgnorePreviousHosts === false) delete out.retry_host_predicate;
  if (retries.retryRemoteLocalities) {
    out.retry_priority = { name: 'envoy.retry_priorities.previous_priorities', typed_config: { '@type': TYPE_URL.previousPriorities, update_frequency: 2 } };
  }
  if (retries.backoff) out.retry_back_off = { base_interval: envoyDuration(retries.backoff) };
  return out;
}

/** gRPC status names istiod accepts for `fault.abort.grpcStatus`, by code. */
const GRPC_CODES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];

/**
 * A VirtualService `fault` -> the fault filter's per-route HTTPFault, as istiod's TranslateFault: a percentage
 * in millionths (the deprecated integer `percent` in hundredths); no percentage at all means 0%. `off` is the
 * fault-rate-off mutant's points (0: none). Undefined when nothing translatable is left (exponential delays, http2Error).
 */
export function faultConfig(fault: Fault, off: number, warn: (m: string) => void): object | undefined {
  const out: Record<string, unknown> = { '@type': TYPE_URL.fault };
  const { delay, abort } = fault;
  if (delay?.fixedDelay) {
    out.delay = { fixed_delay: envoyDuration(delay.fixedDelay), percentage: percentage(delay.percentage?.value, delay.percent, off) };
  } else if (delay) warn('fault.delay without fixedDelay (exponentialDelay) is not supported, as in Istio');
  if (abort) {
    const p = abort.percentage?.value !== undefined ? { percentage: fractionOfMillion(abort.percentage.value, off) } : {};
    if (abort.httpStatus !== undefined) out.abort = { http_status: abort.httpStatus, ...p };
    else if (abort.grpcStatus !== undefined && GRPC_CODES.includes(abort.grpcStatus)) out.abort = { grpc_status: GRPC_CODES.indexOf(abort.grpcStatus), ...p };
    else warn('fault.abort needs httpStatus or a known grpcStatus (http2Error is not supported, as in Istio)');
  }
  return out.delay || out.abort ? out : undefined;
}

function percentage(value: number | undefined, legacyPercent: number | undefined, off: number): object {
  if (value !== undefined) return fractionOfMillion(value, off);
  const percent = legacyPercent ?? 0;
  return off > 0 ? fractionOfMillion(percent, off) : { numerator: percent, denominator: 'HUNDRED' };
}
