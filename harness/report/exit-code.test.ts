import { describe, expect, it } from 'vitest';
import { exitCodeFor } from './exit-code.ts';
import { result } from './testing/sample-report.ts';

describe('exitCodeFor', () => {
  it('is 0 when every MUST passed', () => {
    expect(exitCodeFor([result(), result({ id: 'B', verdict: 'not-applicable' })], [])).toBe(0);
  });

  it('is 1 when a MUST failed', () => {
    expect(exitCodeFor([result(), result({ id: 'B', verdict: 'fail' })], [])).toBe(1);
  });

  it('prefers 1 over 3 when a MUST failed and another was inconclusive', () => {
    const results = [result({ id: 'A', verdict: 'inconclusive' }), result({ id: 'B', verdict: 'fail' })];
    expect(exitCodeFor(results, [])).toBe(1);
  });

  it('is 3 when a MUST was inconclusive and none failed', () => {
    expect(exitCodeFor([result(), result({ id: 'B', verdict: 'inconclusive' })], [])).toBe(3);
  });

  it('is 2 when a requirement errored, whatever its level, even beside a MUST failure', () => {
    expect(exitCodeFor([result({ level: 'MAY', verdict: 'error' })], [])).toBe(2);
    expect(exitCodeFor([result({ id: 'A', verdict: 'fail' }), result({ id: 'B', verdict: 'error' })], [])).toBe(2);
  });

  it('is 2 when the harness or target reported an error outside any requirement', () => {
    expect(exitCodeFor([result()], ['kube-apiserver did not become ready'])).toBe(2);
  });

  it('is 2 when no requirement ran at all', () => {
    expect(exitCodeFor([], [])).toBe(2);
  });

  it('ignores SHOULD and MAY failures and inconclusive verdicts', () => {
    const results = [
      result({ id: 'A' }),
      result({ id: 'B', level: 'SHOULD', verdict: 'fail' }),
      result({ id: 'C', level: 'MAY', verdict: 'fail' }),
      result({ id: 'D', level: 'SHOULD', verdict: 'inconclusive' }),
    ];
    expect(exitCodeFor(results, [])).toBe(0);
  });
});
