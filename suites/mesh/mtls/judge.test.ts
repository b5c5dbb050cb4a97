import { describe, expect, it } from 'vitest';
import type { AttemptClass } from '../../../harness/index.ts';
import { judgeRejections, type BehaviourTally, type ControlOutcome } from './judge.ts';

const tally = (name: string, classes: Partial<Record<AttemptClass, number>>, hows: Record<string, number> = {}): BehaviourTally => {
  const all = { served: 0, refused: 0, answered: 0, unreachable: 0, undecided: 0, ...classes };
  return { name, class: 'HTTP version', attempts: Object.values(all).reduce((a, b) => a + b, 0), classes: all, hows };
};
const held: ControlOutcome = { name: 'plaintext once PERMISSIVE', held: true, detail: 'served' };

describe('judgeRejections', () => {
  it('passes only when every attempt was refused after the connection was accepted, and the controls held', () => {
    expect(judgeRejections([tally('plaintext', { refused: 20 }), tally('TLS 1.3', { refused: 20 })], [held]).verdict).toBe('pass');
  });

  it('is inconclusive, never a pass, when the workload was unreachable', () => {
    const unreachable = tally('plaintext', { unreachable: 20 }, { 'unreachable: connection refused': 20 });
    const j = judgeRejections([unreachable], [held]);
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toContain('20x unreachable: connection refused');
    expect(judgeRejections([tally('a', { refused: 19, unreachable: 1 })], [held]).verdict).toBe('inconclusive');
    expect(judgeRejections([tally('a', { refused: 19, undecided: 1 })], [held]).verdict).toBe('inconclusive');
  });

  it('is inconclusive when a control failed or nothing was tried', () => {
    expect(judgeRejections([tally('a', { refused: 20 })], [{ name: 'valid certificate', held: false, detail: '0 of 5 served' }])).toMatchObject({
      verdict: 'inconclusive', reason: expect.stringContaining('valid certificate: 0 of 5 served') as unknown,
    });
    expect(judgeRejections([], []).verdict).toBe('inconclusive');
  });

  it('fails when any attempt was served or answered, whatever else happened', () => {
    const served = tally('plaintext', { served: 1, unreachable: 19 }, { 'served: HTTP 200': 1 });
    const j = judgeRejections([served, tally('b', { refused: 20 })], [{ name: 'c', held: false, detail: 'x' }]);
    expect(j.verdict).toBe('fail');
    expect(j.reason).toContain('plaintext [HTTP version]: 1x served: HTTP 200');
    expect(judgeRejections([tally('h2c', { answered: 20 })], [held]).verdict).toBe('fail');
  });
});
