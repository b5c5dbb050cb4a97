import { describe, expect, it } from 'vitest';
import { ConnectionMixCheck, connectionMixMinRequests } from './connection-mix.ts';

describe('connectionMixMinRequests', () => {
  it('is the smallest n with connections * sum (1 - p)^n <= alpha', () => {
    const n = connectionMixMinRequests([0.7, 0.3], 16, 1e-6);
    const bound = (k: number) => 16 * (0.3 ** k + 0.7 ** k);
    expect(bound(n)).toBeLessThanOrEqual(1e-6);
    expect(bound(n - 1)).toBeGreaterThan(1e-6);
    expect(n).toBe(47);
    expect(connectionMixMinRequests([0.5, 0.3, 0.2], 16, 1e-6)).toBe(75);
  });

  it('refuses shares outside (0, 1)', () => {
    expect(() => connectionMixMinRequests([1, 0], 4, 0.01)).toThrow(RangeError);
  });
});

describe('ConnectionMixCheck', () => {
  it('judges only connections that carried minRequests, and fails one that saw a single target', () => {
    const check = new ConnectionMixCheck(['a', 'b'], 3);
    expect(check.add(1, 'a')).toBe(true);
    expect(check.add(1, 'a')).toBe(true);
    expect(check.add(1, 'a')).toBe(false);
    for (const name of ['a', 'b', 'a', 'a']) expect(check.add(2, name)).toBe(true);
    check.add(3, 'b');
    expect(check.result()).toEqual({ judged: 2, mixed: 1, unmixed: [{ connection: 1, requests: 3, seen: { a: 3 } }] });
  });
});
