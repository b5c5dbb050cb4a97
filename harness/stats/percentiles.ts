import { build, type Histogram } from 'hdr-histogram-js';

export interface LatencyPercentiles {
  /** Values recorded. */
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** An HDR histogram for durations in microseconds: 1 us to 1 h at 3 significant digits (0.1% resolution). */
export function durationHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

/**
 * p50 / p90 / p99 / max of an HDR histogram, divided by `divisor` (1000 turns microseconds into milliseconds).
 * HDR percentiles are exact to the histogram's precision (a value at percentile P is within 10^-digits of one
 * recorded), never interpolated between buckets as a fixed-bucket histogram would be.
 */
export function percentiles(h: Histogram, divisor = 1): LatencyPercentiles {
  const at = (p: number) => (h.totalCount === 0 ? 0 : h.getValueAtPercentile(p) / divisor);
  return { count: h.totalCount, p50: at(50), p90: at(90), p99: at(99), max: h.totalCount === 0 ? 0 : h.maxValue / divisor };
}

/** The value at each percentile asked for (0..100], divided by `divisor`. */
export function valuesAt(h: Histogram, ps: readonly number[], divisor = 1): number[] {
  return ps.map((p) => {
    if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], not ${p}`);
    return h.totalCount === 0 ? 0 : h.getValueAtPercentile(p) / divisor;
  });
}
