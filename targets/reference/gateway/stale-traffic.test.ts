import { describe, expect, it, vi } from 'vitest';
import type { KRoute } from '../serving/types.ts';
import { StaleTraffic } from './stale-traffic.ts';

const route = (traffic: { revisionName: string; percent: number }[]): KRoute => ({
  apiVersion: 'serving.knative.dev/v1', kind: 'Route', metadata: { name: 'r', namespace: 'ns' }, status: { url: 'http://r.ns.example.com', traffic },
});
const servedOf = (s: StaleTraffic, r: KRoute, now: number) => s.routes([r], now)[0]!.status?.traffic;

describe('StaleTraffic (the stale-traffic-split mutant)', () => {
  it("serves a Route's first split at once and each later one only after the lag", () => {
    vi.useFakeTimers();
    const wake = vi.fn();
    const s = new StaleTraffic(1000, wake);
    const empty = route([]);
    const first = route([{ revisionName: 'a', percent: 100 }]);
    const second = route([{ revisionName: 'a', percent: 50 }, { revisionName: 'b', percent: 50 }]);
    const third = route([{ revisionName: 'b', percent: 100 }]);
    expect(servedOf(s, empty, 0)).toEqual([]);
    expect(servedOf(s, first, 10)).toEqual(first.status?.traffic);
    expect(servedOf(s, second, 100)).toEqual(first.status?.traffic);
    expect(servedOf(s, third, 600)).toEqual(first.status?.traffic);
    expect(servedOf(s, third, 1100)).toEqual(second.status?.traffic);
    expect(servedOf(s, third, 1600)).toEqual(third.status?.traffic);
    // A rebuild is asked for when each lagged split falls due: the two changes after the first split.
    vi.advanceTimersByTime(1005);
    expect(wake).toHaveBeenCalledTimes(2);
    vi.useRealTimers();
  });
});
