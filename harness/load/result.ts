import type { Histogram } from 'hdr-histogram-js';

export interface SecondSample {
  /** Seconds since the first request. */
  second: number;
  requests: number;
  /** Requests that failed to get a response (status 0) or got a 5xx. */
  errors: number;
  p99Ms: number;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LoadResult {
  name: string;
  /** k6 finished its scenario (thresholds may still have failed). */
  completed: boolean;
  /** Every threshold held; false when k6 exited 99. */
  thresholdsPassed: boolean;
  failedThresholds: string[];
  requests: number;
  /** Durations in microseconds. */
  histogram: Histogram;
  latency: LatencySummary;
  statusCounts: Record<string, number>;
  /** Per counted header: value -> count (`(none)` when the response lacked it). */
  headerCounts: Record<string, Record<string, number>>;
  series: SecondSample[];
  droppedIterations: number;
  requestedRate: number | undefined;
  achievedRate: number;
  durationSeconds: number;
  /** Raw output kept for the report: the per-request records and k6's summary. */
  files: { records: string; summary: string; log: string; dashboard?: string };
}
