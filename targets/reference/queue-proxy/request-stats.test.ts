import { describe, expect, it } from 'vitest';
import { QUEUE_METRICS } from '../serving/dataplane.ts';
import { renderMetrics } from './metrics.ts';
import { RequestStats } from './request-stats.ts';

describe('RequestStats (time-weighted, injected clock in ms)', () => {
  it('averages concurrency over the window: two 500 ms requests in 1 s average 1', () => {
    const s = new RequestStats(0);
    s.requestIn(0, false);
    s.requestIn(0, false);
    s.requestOut(500, false);
    s.requestOut(500, false);
    expect(s.report(1000)).toEqual({ windowSeconds: 1, averageConcurrency: 1, averageProxiedConcurrency: 0, requestCount: 2, proxiedRequestCount: 0 });
  });

  it('weights each level by how long it lasted, and carries requests in flight into the next window', () => {
    const s = new RequestStats(1000);
    s.requestIn(1000, false); // 1 for 250 ms
    s.requestIn(1250, true); //  2 for 250 ms
    s.requestIn(1500, false); // 3 for 500 ms
    const r1 = s.report(2000);
    expect(r1.averageConcurrency).toBeCloseTo((1 * 0.25 + 2 * 0.25 + 3 * 0.5) / 1, 10);
    expect(r1.averageProxiedConcurrency).toBeCloseTo(0.75, 10);
    expect(r1).toMatchObject({ requestCount: 3, proxiedRequestCount: 1 });
    // Nothing arrives in the next 2 s, all three stay in flight for 1 s, then one ends.
    s.requestOut(3000, true);
    const r2 = s.report(4000);
    expect(r2.windowSeconds).toBe(2);
    expect(r2.averageConcurrency).toBeCloseTo((3 * 1 + 2 * 1) / 2, 10);
    expect(r2.averageProxiedConcurrency).toBeCloseTo(0.5, 10);
    expect(r2).toMatchObject({ requestCount: 0, proxiedRequestCount: 0 });
    expect(s.current).toBe(2);
  });

  it('reports what is in flight for an empty window, and zero when idle', () => {
    const s = new RequestStats(0);
    s.requestIn(0, false);
    expect(s.report(0)).toMatchObject({ windowSeconds: 0, averageConcurrency: 1, requestCount: 1 });
    s.requestOut(0, false);
    expect(s.report(5000)).toMatchObject({ windowSeconds: 5, averageConcurrency: 0, requestCount: 0 });
  });
});

describe('renderMetrics', () => {
  it('writes Prometheus text with Knative\'s names and labels, requests per second over the window', () => {
    const text = renderMetrics(
      { windowSeconds: 2, averageConcurrency: 1.5, averageProxiedConcurrency: 0.5, requestCount: 10, proxiedRequestCount: 4 },
      { namespace: 'ns', configuration: 'hello', revision: 'hello-00001', pod: 'p"1' },
      12.5,
    );
    const labels = 'destination_namespace="ns",destination_configuration="hello",destination_revision="hello-00001",destination_pod="p\\"1"';
    expect(text).toContain(`# TYPE ${QUEUE_METRICS.averageConcurrency} gauge\n${QUEUE_METRICS.averageConcurrency}{${labels}} 1.5\n`);
    expect(text).toContain(`${QUEUE_METRICS.requestsPerSecond}{${labels}} 5\n`);
    expect(text).toContain(`${QUEUE_METRICS.proxiedRequestsPerSecond}{${labels}} 2\n`);
    expect(text).toContain(`${QUEUE_METRICS.averageProxiedConcurrency}{${labels}} 0.5\n`);
    expect(text).toContain(`${QUEUE_METRICS.uptimeSeconds}{${labels}} 12.5\n`);
  });
});
