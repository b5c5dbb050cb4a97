import { describe, expect, it } from 'vitest';
import { simulateShareChecks, type SimulatedCheck } from './simulate.ts';
import { SPLIT_ZONE, SequentialSplitTest } from './split-test.ts';

/** Feeds `t` the counts of `step` again and again until it stops. */
function feedUntilDone(t: SequentialSplitTest, step: Record<string, number>) {
  let decision = t.decision;
  while (decision === 'undecided') decision = t.addCounts(step);
  return decision;
}

describe('SequentialSplitTest', () => {
  it('refuses splits that are not splits', () => {
    expect(() => new SequentialSplitTest({ expected: { a: 1 } })).toThrow(RangeError);
    expect(() => new SequentialSplitTest({ expected: { a: 0.7, b: 0.2 } })).toThrow(/sum/);
    expect(() => new SequentialSplitTest({ expected: { a: 1, b: 0 } })).toThrow(RangeError);
    expect(() => new SequentialSplitTest({ expected: { a: 0.5, b: 0.5 }, tolerance: 0 })).toThrow(RangeError);
    expect(() => new SequentialSplitTest({ expected: { a: 0.5, b: 0.5 } }).add('c')).toThrow(/not one of/);
    expect(() => new SequentialSplitTest({ expected: { a: 0.5, b: 0.5 } }).setInFlight(-1)).toThrow(RangeError);
  });

  it('stays undecided on little data, passes an exact 70/30 split once the intervals lie inside +- 1.5 x the tolerance', () => {
    const t = new SequentialSplitTest({ expected: { a: 0.7, b: 0.3 } });
    expect(t.addCounts({ a: 700, b: 300 })).toBe('undecided');
    expect(feedUntilDone(t, { a: 70, b: 30 })).toBe('pass');
    const r = t.report();
    expect(r.requests).toBeGreaterThan(2000);
    expect(r.requests).toBeLessThan(10_000);
    expect(r).toMatchObject({ failBeyond: 0.01, passWithin: 0.03, others: 0, inFlight: 0 });
    for (const s of r.shares) {
      expect(s.verdict).toBe('within');
      expect(s.lower).toBeGreaterThan(s.expected - 0.03);
      expect(s.upper).toBeLessThan(s.expected + 0.03);
    }
    expect(r.perShareConfidence).toBe(0.99); // two shares mirror each other: one interval decides
    expect(r.reason).toMatch(/^every share within 3 pp of its expected one \(1\.5 x the 2 pp tolerance\) after \d+ requests at 99.00% confidence$/);
    // A decided test ignores what comes after.
    expect(t.addCounts({ a: 0, b: 10_000 })).toBe('pass');
  });

  it('fails a 75/25 split against 70/30 with an interval entirely outside 70 +- 1 (half the tolerance)', () => {
    const t = new SequentialSplitTest({ expected: { a: 0.7, b: 0.3 } });
    expect(feedUntilDone(t, { a: 75, b: 25 })).toBe('fail');
    const a = t.report().shares[0]!;
    expect(a.verdict).toBe('outside');
    expect(a.lower).toBeGreaterThan(0.71);
    expect(t.report().reason).toMatch(/^a got 75.00% \(interval 7\d\.\d\d%\.\.\d\d\.\d\d%\), outside 70.00% \+- 1 pp \(half the 2 pp tolerance\)/);
  });

  it('decides a share at the tolerance either way, the middle of its zone, and is inconclusive at a small cap', () => {
    expect(SPLIT_ZONE).toEqual({ falseFailWithin: 0.5, powerBeyond: 1.5 });
    const t = new SequentialSplitTest({ expected: { a: 0.7, b: 0.3 } });
    expect(['pass', 'fail']).toContain(feedUntilDone(t, { a: 72, b: 28 }));
    expect(t.requests).toBeLessThan(50_000);
    const capped = new SequentialSplitTest({ expected: { a: 0.7, b: 0.3 }, maxRequests: 2000 });
    expect(feedUntilDone(capped, { a: 72, b: 28 })).toBe('inconclusive');
    expect(capped.requests).toBe(2000);
    expect(capped.report().reason).toMatch(/^not decided within the cap of 2000 requests: a 72.00%/);
  });

  it('splits alpha over three shares (Bonferroni) and fails on the one that is off', () => {
    const t = new SequentialSplitTest({ expected: { a: 0.5, b: 0.3, c: 0.2 }, confidence: 0.99 });
    expect(t.perShareAlpha).toBeCloseTo(0.01 / 3, 15);
    expect(feedUntilDone(t, { a: 50, b: 20, c: 30 })).toBe('fail');
    const outside = t.report().shares.filter((s) => s.verdict === 'outside').map((s) => s.name);
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.every((n) => n === 'b' || n === 'c')).toBe(true);
  });

  it('counts failed answers against the test: they widen every interval by their share, on both sides', () => {
    const clean = new SequentialSplitTest({ expected: { a: 0.7, b: 0.3 } });
    feedUntilDone(clean, { a: 70, b: 30 });
    const [a, b] = clean.report().shares.map((s) => s.count) as [number, number];
    // The same answers and 2% of failures besides: dropping them would pass; counted against the test, not yet.
    const failing = new SequentialSplitTest({ expected: { a: 0.7, b: 0.3 } });
    failing.addCounts({ a, b });
    expect(failing.decision).toBe('pass');
    const counted = new SequentialSplitTest({ expected: { a: 0.7, b: 0.3 } });
    counted.addOther(Math.round((a + b) * 0.02));
    expect(counted.addCounts({ a, b })).toBe('undecided');
    const r = counted.report();
    expect(r.others).toBe(Math.round((a + b) * 0.02));
    const [ca, cb] = r.shares;
    expect(ca!.lower).toBeLessThan(0.67);
    expect(cb!.upper).toBeGreaterThan(0.33);
    expect(r.reason).toMatch(/^not decided yet: a 68\.63% \(interval/);
    // ... and they can never make a fail: a 75/25 split with as many failures still fails.
    const skewed = new SequentialSplitTest({ expected: { a: 0.7, b: 0.3 } });
    skewed.addOther(200);
    expect(feedUntilDone(skewed, { a: 75, b: 25 })).toBe('fail');
    expect(skewed.report().reason).toMatch(/\(200 failed, counted against it\)/);
  });

  it('decides with requests in flight only what holds however they are answered', () => {
    // A 70/30 stream looked at with 16 requests in flight: at the decision, the same counts with those 16
    // answered all as a, or all as b, decide the same.
    for (const [step, expected] of [[{ a: 7, b: 3 }, 'pass'], [{ a: 8, b: 2 }, 'fail']] as const) {
      const t = new SequentialSplitTest({ expected: { a: 0.7, b: 0.3 } });
      t.setInFlight(16);
      expect(feedUntilDone(t, step)).toBe(expected);
      expect(t.report()).toMatchObject({ inFlight: 16, requests: t.requests });
      const [a, b] = t.report().shares.map((s) => s.count) as [number, number];
      for (const extra of [{ a: 16, b: 0 }, { a: 0, b: 16 }]) {
        const answered = new SequentialSplitTest({ expected: { a: 0.7, b: 0.3 } });
        expect(answered.addCounts({ a: a + extra.a, b: b + extra.b })).toBe(expected);
      }
      expect(t.report().reason).toMatch(/\(16 in flight, counted against it\)/);
    }
  });
});

// Seeded simulations of a few seconds, through the ShareJudge the suites use, looking after every answer with
// 15 requests in flight (the serving split's sampler). The full measurement, at each check's configured
// confidence, is `npm run bench -- stats` (BENCHMARKS.md).
describe('SequentialSplitTest by seeded simulation, 2 pp tolerance, 99% confidence', () => {
  const runs = 200;
  const check = (expected: Record<string, number>, actual: Record<string, number>): SimulatedCheck => ({ expected, actual, sender: { inFlight: 15 } });
  const s70 = { a: 0.7, b: 0.3 };
  const s3 = { a: 0.5, b: 0.3, c: 0.2 };

  it.each([
    ['70/30 exact', s70, s70],
    ['70/30 off by half the tolerance', s70, { a: 0.71, b: 0.29 }],
    ['50/30/20 exact', s3, s3],
    ['50/30/20 off by half the tolerance', s3, { a: 0.49, b: 0.31, c: 0.2 }],
  ])('%s: fails at most 1% of the time (none in 200 seeded runs)', (_, expected, actual) => {
    const r = simulateShareChecks({ checks: [check(expected, actual)], runs, seed: 1 });
    expect(r.fail).toBe(0);
    expect(r.pass).toBe(runs);
    expect(r.meanRequests).toBeLessThan(16_000);
  });

  it.each([
    ['70/30', s70, { a: 0.73, b: 0.27 }],
    ['70/30', s70, { a: 0.67, b: 0.33 }],
    ['50/30/20', s3, { a: 0.53, b: 0.27, c: 0.2 }],
  ])('a %s split off by 1.5 x the tolerance is caught >= 99% of the time', (_, expected, actual) => {
    const r = simulateShareChecks({ checks: [check(expected, actual)], runs, seed: 2 });
    expect(r.fail / runs).toBeGreaterThanOrEqual(0.99);
    expect(r.checks[0]!.maxRequests).toBeLessThan(50_000);
  });
});
