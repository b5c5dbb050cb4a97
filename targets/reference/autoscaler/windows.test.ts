import { describe, expect, it } from 'vitest';
import { TimedBuckets } from './windows.ts';

const T0 = 1_700_000_000_000; // a whole second
const at = (s: number, ms = 0) => T0 + s * 1000 + ms;

describe("TimedBuckets (Knative's TimedFloat64Buckets)", () => {
  it('averages over the buckets written since the first write (a partial window at first)', () => {
    const b = new TimedBuckets(5000, 1000);
    b.record(at(0), 1);
    b.record(at(1), 2);
    b.record(at(2, 999), 3);
    expect(b.windowAverage(at(2))).toBe(2);
  });

  it('adds values recorded in the same bucket', () => {
    const b = new TimedBuckets(5000, 1000);
    b.record(at(0, 100), 1);
    b.record(at(0, 900), 2);
    expect(b.windowAverage(at(0, 950))).toBe(3);
  });

  it('leaves recent buckets without writes out of the average, and is 0 a whole window after the last write', () => {
    const b = new TimedBuckets(5000, 1000);
    for (let s = 0; s < 5; s++) b.record(at(s), 10);
    expect(b.windowAverage(at(6))).toBe(10); // buckets 5 and 6 not written: not counted as zeros
    expect(b.isEmpty(at(9))).toBe(false);
    expect(b.windowAverage(at(9))).toBe(0);
    expect(b.isEmpty(at(10))).toBe(true);
  });

  it('written zeros pull the average down until the last non-zero bucket leaves the window', () => {
    const b = new TimedBuckets(6000, 1000);
    b.record(at(0), 60);
    for (let s = 1; s <= 5; s++) b.record(at(s), 0);
    expect(b.windowAverage(at(5))).toBe(10);
    b.record(at(6), 0);
    expect(b.windowAverage(at(6))).toBe(0);
  });

  it('counts skipped buckets between writes as zeros', () => {
    const b = new TimedBuckets(4000, 1000);
    b.record(at(0), 8);
    b.record(at(3), 4);
    expect(b.windowAverage(at(3))).toBe(3);
  });

  it('starts over after a window without writes', () => {
    const b = new TimedBuckets(3000, 1000);
    b.record(at(0), 9);
    b.record(at(10), 3);
    expect(b.windowAverage(at(10))).toBe(3);
  });

  it('drops a write older than a window', () => {
    const b = new TimedBuckets(3000, 1000);
    b.record(at(10), 3);
    b.record(at(5), 100);
    expect(b.windowAverage(at(10))).toBe(3);
  });

  it('keeps the newest buckets when the window shrinks', () => {
    const b = new TimedBuckets(6000, 1000);
    for (let s = 0; s < 6; s++) b.record(at(s), s);
    b.resize(2000, at(5));
    expect(b.window).toBe(2000);
    expect(b.windowAverage(at(5))).toBe(4.5);
  });
});
