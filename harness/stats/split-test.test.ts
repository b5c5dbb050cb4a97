import { describe, expect, it } from 'vitest';
import { simulateSplitTest } from './simulate.ts';
import { SequentialSplitTest } from './split-test.ts';

describe('SequentialSplitTest', () => {
  it('refuses splits that are not splits', () => {
    expect(() => new SequentialSplitTest({ expected: { a: 1 } })).toThrow(RangeError);
    expect(() => new SequentialSplitTest({ expected: { a: 0.7, b: 0.2 } })).toThrow(/sum/);
    expect(() => new SequentialSplitTest({ expected: { a: 1, b: 0 } })).toThrow(RangeError);
    expect(() => new SequentialSplitTest({ expected: { a: 0.5, b: 0.5 }, tolerance: 0 })).toThrow(RangeError);
    expect(() => new SequentialSplitTest({ expected: { a: 0.5, b: 0.5 } }).add('c')).toThrow(/not one of/);
  });

  it('stays undecided on little data, passes an exact 70/30 split once the intervals fit the band', () => {
    const t = new SequentialSplitTest({ expected: { a: 0.7, b: 0.3 } });
    expect(t.addCounts({ a: 700, b: 300 })).toBe('undecided');
    let decision = t.decision;
    while (decision === 'undecided') decision = t.addCounts({ a: 70, b: 30 });
    expect(decision).toBe('pass');
    const r = t.report();
    expect(r.requests).toBeGreaterThan(4000);
    expect(r.requests).toBeLessThan(15_000);
    for (const s of r.shares) {
      expect(s.verdict).toBe('within');
      expect(s.lower).toBeGreaterThan(s.expected - 0.02);
      expect(s.upper).toBeLessThan(s.expected + 0.02);
    }
    expect(r.perShareConfidence).toBe(0.99); // two shares mirror each other: one interval decides
    expect(r.reason).toMatch(/every share within its tolerance after \d+ requests at 99.00% confidence/);
    // A decided test ignores what comes after.
    expect(t.addCounts({ a: 0, b: 10_000 })).toBe('pass');
  });

  it('fails a 75/25 split against 70/30 with an interval entirely outside 70 +- 2', () => {
    const t = new SequentialSplitTest({ expected: { a: 0.7, b: 0.3 } });
    let decision = t.decision;
    while (decision === 'undecided') decision = t.addCounts({ a: 75, b: 25 });
    expect(decision).toBe('fail');
    const a = t.report().shares[0]!;
    expect(a.verdict).toBe('outside');
    expect(a.lower).toBeGreaterThan(0.72);
    expect(t.report().reason).toMatch(/^a got 75.00% \(interval 7\d\.\d\d%\.\.\d\d\.\d\d%\), outside 70.00% \+- 2.00 pp/);
  });

  it('is inconclusive at its cap when a share sits on the tolerance', () => {
    const t = new SequentialSplitTest({ expected: { a: 0.7, b: 0.3 }, maxRequests: 20_000 });
    let decision = t.decision;
    while (decision === 'undecided') decision = t.addCounts({ a: 72, b: 28 });
    expect(decision).toBe('inconclusive');
    expect(t.requests).toBe(20_000);
    expect(t.report().reason).toMatch(/not decided within the cap of 20000 requests: a 72.00%/);
  });

  it('splits alpha over three shares (Bonferroni) and fails on the one that is off', () => {
    const t = new SequentialSplitTest({ expected: { a: 0.5, b: 0.3, c: 0.2 }, confidence: 0.99 });
    expect(t.perShareAlpha).toBeCloseTo(0.01 / 3, 15);
    let decision = t.decision;
    while (decision === 'undecided') decision = t.addCounts({ a: 50, b: 20, c: 30 });
    expect(decision).toBe('fail');
    const outside = t.report().shares.filter((s) => s.verdict === 'outside').map((s) => s.name);
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.every((n) => n === 'b' || n === 'c')).toBe(true);
  });
});

// Seeded simulations (a few seconds): each run draws every request independently with the true shares, and
// the test looks every 50 requests (the suites look after every answer, which can only stop earlier). The
// measured figures with 10,000 runs per case are in README.md (harness/stats/measure.ts).
describe('SequentialSplitTest by seeded simulation, 2 pp tolerance, 99% confidence', () => {
  const runs = 300;

  it.each([
    ['70/30', { a: 0.7, b: 0.3 }],
    ['50/30/20', { a: 0.5, b: 0.3, c: 0.2 }],
  ])('a correct %s split fails at most 1% of the time (none in 300 seeded runs)', (_, expected) => {
    const r = simulateSplitTest({ expected, actual: expected, runs, seed: 1, batch: 50 });
    expect(r.fail).toBe(0);
    expect(r.pass).toBe(runs);
    expect(r.meanRequests).toBeLessThan(16_000);
  });

  it.each([
    ['70/30', { a: 0.7, b: 0.3 }, { a: 0.75, b: 0.25 }],
    ['70/30', { a: 0.7, b: 0.3 }, { a: 0.65, b: 0.35 }],
    ['50/30/20', { a: 0.5, b: 0.3, c: 0.2 }, { a: 0.55, b: 0.25, c: 0.2 }],
  ])('a %s split skewed by 5 pp is caught >= 99% of the time', (_, expected, actual) => {
    const r = simulateSplitTest({ expected, actual, runs, seed: 2, batch: 50 });
    expect(r.fail / runs).toBeGreaterThanOrEqual(0.99);
    expect(r.pass).toBe(0);
    expect(r.meanRequests).toBeLessThan(6_000);
  });
});
