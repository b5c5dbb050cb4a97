import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unreachableKubeconfig } from '../../lib/testing/kubeconfig.ts';
import { runRequirement } from './context.ts';
import { requirement, type RequirementBody } from './requirement.ts';
import type { RunContext } from './run-context.ts';

const dir = mkdtempSync(join(tmpdir(), 'gauntlet-context-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const kubeconfig = unreachableKubeconfig(dir);
const run: RunContext = {
  kubeconfig, context: null, namespace: 'ns', reportDir: dir, selected: ['X.A'], targetLock: 'unused', showProgress: false,
  settings: { readyTimeoutSeconds: 1, requestTimeoutSeconds: 1, coldStartP95Seconds: 1, gateway: { namespace: 'x', name: 'x', portName: 'http' } },
};
const judge = (body: RequirementBody) =>
  runRequirement(requirement({ id: 'X.A', level: 'MUST', layer: 'serving', profile: 'conformance', title: 't', upstream: 'u', bound: 'b', mutants: ['m'] }, body), run, new AbortController().signal);

describe('a requirement\'s expectations', () => {
  it('records each with its level and outcome; an unmet SHOULD or MAY is counted and the requirement passes', async () => {
    const r = await judge(async (ctx) => {
      ctx.must('one is one', true);
      ctx.should('two is three', false, 'two is two');
      ctx.may('the sky is green', false);
      await Promise.resolve();
    });
    expect([r.verdict, r.profile]).toEqual(['pass', 'conformance']);
    expect(r.evidence.expectations).toEqual([
      { level: 'MUST', claim: 'one is one', held: true },
      { level: 'SHOULD', claim: 'two is three', held: false, detail: 'two is two' },
      { level: 'MAY', claim: 'the sky is green', held: false },
    ]);
    expect(r.reason).toBe('every MUST held; not met: SHOULD two is three; MAY the sky is green');
  });

  it('ends the requirement at the first unmet MUST, with its detail as the reason', async () => {
    let after = false;
    const r = await judge(async (ctx) => {
      ctx.must('PORT is set', false, 'the container has no PORT');
      after = true;
      await Promise.resolve();
    });
    expect([r.verdict, r.reason, after]).toEqual(['fail', 'the container has no PORT', false]);
    expect(r.evidence.expectations).toEqual([{ level: 'MUST', claim: 'PORT is set', held: false, detail: 'the container has no PORT' }]);
  });

  it('tells the body which requirements the run selected', async () => {
    const seen: boolean[] = [];
    await judge((ctx) => Promise.resolve(void seen.push(ctx.selected('X.A'), ctx.selected('X.B'))));
    expect(seen).toEqual([true, false]);
  });
});
