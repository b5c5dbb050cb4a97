import { describe, expect, it } from 'vitest';
import { OTHERS_CUTOFF, ShareJudge } from './share-judge.ts';

/** Feeds `judge` a 70/30 stream (7 a, 3 b per 10) until it is done or `limit` responses were given. */
function feed(judge: ShareJudge, limit: number, otherEvery?: number): void {
  for (let i = 1; i <= limit && !judge.done; i++) {
    if (otherEvery !== undefined && i % otherEvery === 0) judge.other('503');
    else judge.outcome(i % 10 < 7 ? 'a' : 'b');
  }
}

describe('ShareJudge', () => {
  it('passes exact 70/30 shares with the split test, and its reason', () => {
    const judge = new ShareJudge({ expected: { a: 0.7, b: 0.3 } });
    feed(judge, 50_000);
    const j = judge.judgement();
    expect(j.verdict).toBe('pass');
    expect(j.untrustworthy).toBe(false);
    expect(j.reason).toBe(j.report.reason);
    expect(j.responses).toBe(j.report.requests);
    expect(j.otherCount).toBe(0);
  });

  it('fails a skew and is inconclusive at the cap, as the split test decides', () => {
    const skewed = new ShareJudge({ expected: { a: 0.6, b: 0.4 } });
    feed(skewed, 50_000);
    expect(skewed.judgement().verdict).toBe('fail');
    expect(skewed.judgement().reason).toMatch(/^a got 70\.\d\d% \(interval /);
    const capped = new ShareJudge({ expected: { a: 0.68, b: 0.32 }, maxRequests: 2000 });
    feed(capped, 50_000);
    expect(capped.judgement()).toMatchObject({ verdict: 'inconclusive', responses: 2000 });
    expect(capped.judgement().reason).toMatch(/^not decided within the cap of 2000 requests/);
  });

  it('is inconclusive while undecided (sending stopped before a decision)', () => {
    const judge = new ShareJudge({ expected: { a: 0.7, b: 0.3 } });
    feed(judge, 100);
    expect(judge.done).toBe(false);
    expect(judge.judgement()).toMatchObject({ verdict: 'inconclusive', untrustworthy: false });
    expect(judge.judgement().reason).toMatch(/^not decided yet/);
  });

  it('stops at the first crossing of the cut-off: 10 others and more than 1% of the responses', () => {
    expect(OTHERS_CUTOFF).toEqual({ minCount: 10, maxShare: 0.01 });
    // Nine others are never too many, however few responses came with them.
    const nine = new ShareJudge({ expected: { a: 0.7, b: 0.3 } });
    for (let i = 0; i < 9; i++) nine.other('503');
    expect(nine.untrustworthy).toBe(false);
    // One other in every 50 responses (2%): the tenth crosses, at response 500.
    const judge = new ShareJudge({ expected: { a: 0.7, b: 0.3 } });
    feed(judge, 50_000, 50);
    expect(judge.done).toBe(true);
    expect(judge.untrustworthy).toBe(true);
    expect(judge.responses).toBe(500);
    // What comes after the crossing is ignored: clean responses cannot water the others down.
    for (let i = 0; i < 10_000; i++) judge.outcome('a');
    const j = judge.judgement();
    expect(j).toMatchObject({ verdict: 'fail', untrustworthy: true, otherCount: 10, responses: 500, others: { 503: 10 } });
    expect(j.reason).toBe('10 of 500 responses were none of the expected outcomes: {"503":10}');
  });

  it('lets 1% others through, and words the reason as the suite names them', () => {
    // Exactly one other in every 100 responses: never more than 1%, so the split test decides.
    const judge = new ShareJudge({ expected: { a: 0.7, b: 0.3 }, othersAre: 'requests failed' });
    feed(judge, 50_000, 100);
    const j = judge.judgement();
    expect(j.verdict).toBe('pass');
    expect(j.otherCount).toBeGreaterThan(OTHERS_CUTOFF.minCount);
    // 12 failures after 988 good answers: the tenth crosses (10 of 998), and the reason says so in the suite's words.
    const failing = new ShareJudge({ expected: { a: 0.7, b: 0.3 }, othersAre: 'requests failed' });
    for (let i = 0; i < 988; i++) failing.outcome(i % 10 < 7 ? 'a' : 'b');
    for (let i = 0; i < 12; i++) failing.other(i % 2 ? '0 (ECONNRESET)' : '503');
    expect(failing.judgement().reason).toBe('10 of 998 requests failed: {"503":5,"0 (ECONNRESET)":5}');
  });

  it('keeps counting after the split test decided, while the suite goes on sending', () => {
    const judge = new ShareJudge({ expected: { a: 0.7, b: 0.3 } });
    feed(judge, 50_000);
    expect(judge.test.decision).toBe('pass');
    const decidedAt = judge.responses;
    for (let i = 0; i < 100; i++) judge.outcome('b');
    expect(judge.responses).toBe(decidedAt + 100);
    expect(judge.judgement().report.requests).toBe(decidedAt);
    expect(judge.judgement().afterDecision).toEqual({ b: 100 });
    // Errors that keep coming after the decision still cross the cut-off (on every response counted so far).
    // n others cross once n > (decidedAt + 100 + n) / 100, i.e. n > (decidedAt + 100) / 99.
    const n = Math.floor((decidedAt + 100) / 99) + 1;
    for (let i = 0; i < n - 1; i++) judge.other('502');
    expect(judge.untrustworthy).toBe(false);
    judge.other('502');
    expect(judge.judgement()).toMatchObject({ verdict: 'fail', untrustworthy: true });
  });

  it('counts a batch reported as sent against the test until it is answered, and records what came after the decision', () => {
    // 1,000 requests sent at once, answered 70/30: the test may decide before the batch's end only if the rest
    // of the batch, counted either way, cannot change the decision; the rest is then recorded after it.
    const judge = new ShareJudge({ expected: { a: 0.7, b: 0.3 } });
    while (!judge.done) {
      judge.sent(1000);
      for (let i = 0; i < 1000; i++) judge.outcome(i % 10 < 7 ? 'a' : 'b');
    }
    const j = judge.judgement();
    expect(j.verdict).toBe('pass');
    expect(j.report.requests % 1000).toBe(0);
    expect(j.responses).toBe(j.report.requests);
    const after = Object.values(j.afterDecision).reduce((x, y) => x + y, 0);
    expect(after).toBe(j.report.inFlight);
    expect(after).toBeLessThan(100);
  });

  it('counts a concurrent sender\'s requests in flight against the test at every answer', () => {
    const judge = new ShareJudge({ expected: { a: 0.7, b: 0.3 }, inFlight: 15 });
    feed(judge, 50_000);
    const j = judge.judgement();
    expect(j.verdict).toBe('pass');
    expect(j.report).toMatchObject({ inFlight: 15, requests: j.responses + 15 });
    expect(() => new ShareJudge({ expected: { a: 0.7, b: 0.3 }, inFlight: -1 })).toThrow(RangeError);
  });

  it('stops at its time budget, inconclusive with the rate it got and the time the cap would take at it', () => {
    let now = 0;
    const judge = new ShareJudge({ expected: { a: 0.7, b: 0.3 }, maxSeconds: 10, clock: () => now });
    // 100 answers a second: 1,000 answers in the budget, far from a decision.
    for (let i = 0; !judge.done; i++) {
      now = i * 10;
      judge.outcome(i % 10 < 7 ? 'a' : 'b');
    }
    const j = judge.judgement();
    expect(j).toMatchObject({ verdict: 'inconclusive', timedOut: true, responses: 1001, seconds: 10 });
    expect(j.rate).toBeCloseTo(100.1, 1);
    expect(j.reason).toMatch(/^not decided within the time budget of 10 s: 1000 requests at 100 req\/s \(the cap of 50000 would take 500 s at this rate\); a 70.00%/);
    // A decision within the budget stands.
    now = 0;
    const quick = new ShareJudge({ expected: { a: 0.7, b: 0.3 }, maxSeconds: 10, clock: () => now });
    feed(quick, 50_000);
    expect(quick.judgement()).toMatchObject({ verdict: 'pass', timedOut: false });
    expect(() => new ShareJudge({ expected: { a: 0.7, b: 0.3 }, maxSeconds: 0 })).toThrow(RangeError);
  });

  it('refuses outcomes that are not expected ones', () => {
    const judge = new ShareJudge({ expected: { a: 0.7, b: 0.3 } });
    expect(() => judge.outcome('c')).toThrow(/not one of the expected shares/);
  });
});
