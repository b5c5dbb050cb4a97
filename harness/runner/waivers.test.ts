import { describe, expect, it } from 'vitest';
import type { DeclaredWaiver } from '../config/waivers.ts';
import { countVerdicts } from '../report/counts.ts';
import { exitCodeFor } from '../report/exit-code.ts';
import { result } from '../report/testing/sample-report.ts';
import type { RequirementResult } from '../requirements/types.ts';
import { applyWaivers, waiverDay } from './waivers.ts';

const TODAY = '2026-03-15';
const waiver = (requirement: string, more: Partial<DeclaredWaiver> = {}, n = 1): DeclaredWaiver => ({
  requirement, reason: `known deviation of ${requirement}`, expires: '2026-12-31', source: `w.yaml, entry ${n}`, ...more,
});
/** A MUST that did not hold: the body ended there, with its detail as the reason. */
const failedOn = (id: string, claim: string, detail = `not so: ${claim}`): RequirementResult =>
  result({ id, verdict: 'fail', reason: detail, evidence: { expectations: [{ level: 'MUST', claim: 'first', held: true }, { level: 'MUST', claim, held: false, detail }], observations: [], resources: [], artifacts: [], notes: [] } });
const catalog = ['SERVING.A', 'SERVING.B', 'SERVING.C', 'MESH.D'];
const apply = (results: RequirementResult[], waivers: DeclaredWaiver[], today = TODAY) => applyWaivers({ results, waivers, catalog, today });
const verdicts = (results: RequirementResult[]) => Object.fromEntries(results.map((r) => [r.id, r.verdict]));

describe('applyWaivers', () => {
  it('turns a failure a waiver covers into waived: the failure\'s reason kept, the waiver beside it; the run no longer fails on it', () => {
    const planted = failedOn('SERVING.A', 'PORT is set', 'the container has no PORT');
    const before = [planted, result({ id: 'SERVING.B' })];
    expect(exitCodeFor(before, [])).toBe(1);
    const out = apply(before, [waiver('SERVING.A')]);
    expect(out.results[0]).toEqual({
      ...planted,
      verdict: 'waived',
      reason: 'the container has no PORT',
      waiver: { requirement: 'SERVING.A', reason: 'known deviation of SERVING.A', expires: '2026-12-31', source: 'w.yaml, entry 1' },
    });
    expect(out.results[1]).toBe(before[1]);
    expect(out.waivers).toEqual([{ requirement: 'SERVING.A', reason: 'known deviation of SERVING.A', expires: '2026-12-31', source: 'w.yaml, entry 1', status: 'applied', waived: ['SERVING.A'] }]);
    expect(out.warnings).toEqual([]);
    expect(exitCodeFor(out.results, [])).toBe(0);
    expect(countVerdicts(out.results)).toMatchObject({ pass: 1, fail: 0, waived: 1 });
    // The input is not changed.
    expect(planted.verdict).toBe('fail');
  });

  it('waives by glob, and one expectation only by its claim: the same requirement failing on another is still a failure', () => {
    const results = [failedOn('SERVING.A', 'PORT is set'), failedOn('SERVING.B', 'K_REVISION is the revision'), failedOn('SERVING.C', 'PORT is set')];
    const out = apply(results, [waiver('SERVING.*', { expectation: 'PORT is set' })]);
    expect(verdicts(out.results)).toEqual({ 'SERVING.A': 'waived', 'SERVING.B': 'fail', 'SERVING.C': 'waived' });
    expect(out.results[0]?.waiver?.expectation).toBe('PORT is set');
    expect(out.waivers[0]?.waived).toEqual(['SERVING.A', 'SERVING.C']);
  });

  it('never waives a pass, an error, an inconclusive or not-applicable verdict: a waiver covers failures only', () => {
    const results = [result({ id: 'SERVING.A' }), result({ id: 'SERVING.B', verdict: 'error', reason: 'HTTP 500' }), result({ id: 'SERVING.C', verdict: 'inconclusive', reason: 'no k6' })];
    const out = apply(results, [waiver('SERVING.*')]);
    expect(out.results).toEqual(results);
    expect(out.waivers[0]?.status).toBe('unused');
    expect(out.warnings).toEqual([
      'waiver w.yaml, entry 1 (SERVING.*): unused: SERVING.A passed: remove the waiver if the deviation is gone; SERVING.B was error, not failed: a waiver covers failures only; SERVING.C was inconclusive, not failed: a waiver covers failures only',
    ]);
    expect(exitCodeFor(out.results, [])).toBe(2);
  });

  it('applies a waiver through its expires day (UTC); after it, the failure stays a failure and the waiver is a warning', () => {
    const results = [failedOn('SERVING.A', 'PORT is set')];
    expect(apply(results, [waiver('SERVING.A', { expires: TODAY })]).results[0]?.verdict).toBe('waived');
    const out = apply(results, [waiver('SERVING.A', { expires: '2026-03-14' }), waiver('SERVING.B', { expires: '2025-01-01' }, 2)]);
    expect(out.results[0]?.verdict).toBe('fail');
    expect(out.waivers.map((w) => w.status)).toEqual(['expired', 'expired']);
    expect(out.warnings).toEqual([
      'waiver w.yaml, entry 1 (SERVING.A): expired on 2026-03-14: it no longer applies, and SERVING.A counts as failed; renew its date or remove it',
      'waiver w.yaml, entry 2 (SERVING.B): expired on 2025-01-01; renew its date or remove it',
    ]);
    expect(exitCodeFor(out.results, [])).toBe(1);
    expect(waiverDay(new Date('2026-03-15T23:59:59.999Z'))).toBe('2026-03-15');
  });

  it('warns of a waiver that matches no requirement, or whose expectation is not what failed (naming what did), or is only a SHOULD', () => {
    const should = result({
      id: 'SERVING.C',
      evidence: { expectations: [{ level: 'SHOULD', claim: 'fast', held: false }], observations: [], resources: [], artifacts: [], notes: [] },
    });
    const results = [failedOn('SERVING.A', 'PORT is set'), result({ id: 'SERVING.B', verdict: 'fail', reason: 'timed out waiting for Ready' }), should];
    const out = apply(results, [
      waiver('SERVNG.A', {}, 1),
      waiver('SERVING.A', { expectation: 'PORT is a number' }, 2),
      waiver('SERVING.B', { expectation: 'Ready' }, 3),
      waiver('SERVING.C', { expectation: 'fast' }, 4),
    ]);
    expect(verdicts(out.results)).toEqual({ 'SERVING.A': 'fail', 'SERVING.B': 'fail', 'SERVING.C': 'pass' });
    expect(out.waivers.map((w) => w.status)).toEqual(['unused', 'unused', 'unused', 'unused']);
    expect(out.warnings).toEqual([
      'waiver w.yaml, entry 1 (SERVNG.A): unused: it matches no requirement; see `gauntlet requirements` for the ids',
      'waiver w.yaml, entry 2 (SERVING.A: "PORT is a number"): unused: SERVING.A failed on another expectation: "PORT is set"',
      'waiver w.yaml, entry 3 (SERVING.B: "Ready"): unused: SERVING.B failed on something else: timed out waiting for Ready',
      'waiver w.yaml, entry 4 (SERVING.C: "fast"): unused: "fast" is a SHOULD expectation of SERVING.C: an unmet SHOULD never fails a requirement, so there is nothing to waive',
    ]);
  });

  it('lets the most specific waiver take a failure (expectation, then id, then glob); the one left over is a warning saying which took it', () => {
    const out = apply([failedOn('SERVING.A', 'PORT is set'), failedOn('SERVING.B', 'x')], [
      waiver('SERVING.*', {}, 1),
      waiver('SERVING.A', {}, 2),
      waiver('SERVING.A', { expectation: 'PORT is set' }, 3),
    ]);
    expect(out.results.map((r) => r.waiver?.source)).toEqual(['w.yaml, entry 3', 'w.yaml, entry 1']);
    expect(out.waivers.map((w) => [w.status, w.waived])).toEqual([['applied', ['SERVING.B']], ['unused', []], ['applied', ['SERVING.A']]]);
    expect(out.warnings).toEqual(['waiver w.yaml, entry 2 (SERVING.A): unused: SERVING.A failed and was waived by w.yaml, entry 3']);
  });

  it('says nothing of a waiver whose requirements were not selected: it is not-run', () => {
    const out = apply([failedOn('SERVING.A', 'x')], [waiver('MESH.D', {}, 1), waiver('SERVING.A', {}, 2)]);
    expect(out.waivers.map((w) => w.status)).toEqual(['not-run', 'applied']);
    expect(out.warnings).toEqual([]);
  });

  it('names at most three requirements in an unused glob\'s warning', () => {
    const ids = ['SERVING.A', 'SERVING.B', 'SERVING.C', 'SERVING.D', 'SERVING.E'];
    const out = applyWaivers({ results: ids.map((id) => result({ id })), waivers: [waiver('SERVING.*')], catalog: ids, today: TODAY });
    expect(out.warnings).toEqual([
      'waiver w.yaml, entry 1 (SERVING.*): unused: SERVING.A passed: remove the waiver if the deviation is gone; SERVING.B passed: remove the waiver if the deviation is gone; SERVING.C passed: remove the waiver if the deviation is gone; and 2 more it names, none failed as it covers',
    ]);
  });
});
