import { matchesGlob } from 'node:path';
import type { DeclaredWaiver } from '../config/waivers.ts';
import type { WaiverOutcome } from '../report/schema.ts';
import type { RequirementResult } from '../requirements/types.ts';

export interface WaiverInput {
  results: readonly RequirementResult[];
  waivers: readonly DeclaredWaiver[];
  /** Every requirement id the spec files declare (a waiver that matches none is a warning). */
  catalog: readonly string[];
  /** The run's day, UTC, YYYY-MM-DD: a waiver applies through its `expires` day. */
  today: string;
}

export interface WaiverApplication {
  /** The results, each `fail` that a waiver covers turned into `waived` (the failure's reason kept). */
  results: RequirementResult[];
  /** Every waiver with what became of it, in the file's order. */
  waivers: WaiverOutcome[];
  /** Expired and unused waivers, one line each, naming the waiver and what to do. */
  warnings: string[];
}

const isGlob = (pattern: string): boolean => /[*?{[]/.test(pattern);
const matches = (w: DeclaredWaiver, id: string): boolean => matchesGlob(id, w.requirement);
const label = (w: DeclaredWaiver): string => `waiver ${w.source} (${w.requirement}${w.expectation === undefined ? '' : `: "${w.expectation}"`})`;

/** The claim of the MUST expectation that failed the requirement, if one did (the body ends at it). */
function failedMust(r: RequirementResult): string | undefined {
  return r.evidence.expectations.find((e) => e.level === 'MUST' && !e.held)?.claim;
}

/** Whether `w` covers this failure: the requirement, and the expectation that failed it when `w` names one. */
function covers(w: DeclaredWaiver, r: RequirementResult): boolean {
  if (r.verdict !== 'fail' || !matches(w, r.id)) return false;
  return w.expectation === undefined || failedMust(r) === w.expectation;
}

/** The most specific first: one expectation, then an exact id, then a glob; the file's order within each. */
function specificity(w: DeclaredWaiver): number {
  return w.expectation !== undefined ? 0 : isGlob(w.requirement) ? 2 : 1;
}

/** Why a waiver that is in force covered nothing of a result it names. */
function whyNot(w: DeclaredWaiver, r: RequirementResult): string {
  if (r.verdict === 'waived') return `${r.id} failed and was waived by ${r.waiver?.source ?? 'another waiver'}`;
  if (r.verdict === 'fail') {
    const claim = failedMust(r);
    return claim === undefined ? `${r.id} failed on something else: ${r.reason}` : `${r.id} failed on another expectation: "${claim}"`;
  }
  const soft = w.expectation === undefined ? undefined : r.evidence.expectations.find((e) => e.claim === w.expectation && e.level !== 'MUST');
  if (soft) return `"${soft.claim}" is a ${soft.level} expectation of ${r.id}: an unmet ${soft.level} never fails a requirement, so there is nothing to waive`;
  if (r.verdict === 'pass') return `${r.id} passed: remove the waiver if the deviation is gone`;
  if (r.verdict === 'not-applicable') return `${r.id} was not applicable`;
  return `${r.id} was ${r.verdict}, not failed: a waiver covers failures only`;
}

/**
 * Applies the run's waivers to its results, after the run: a `fail` that a waiver in force covers becomes
 * `waived`, its reason kept and the waiver beside it. A waiver past its `expires` day applies to nothing and
 * is a warning; one in force that covered nothing of what ran is a warning too (the deviation is gone, or it
 * names the wrong requirement or claim). Pure: the run's day comes in.
 */
export function applyWaivers(input: WaiverInput): WaiverApplication {
  const inForce = input.waivers.filter((w) => w.expires >= input.today);
  const ranked = [...inForce].sort((a, b) => specificity(a) - specificity(b));
  const waived = new Map<DeclaredWaiver, string[]>(input.waivers.map((w) => [w, []]));
  const results = input.results.map((r): RequirementResult => {
    const w = ranked.find((x) => covers(x, r));
    if (!w) return r;
    waived.get(w)?.push(r.id);
    const waiver = { requirement: w.requirement, ...(w.expectation === undefined ? {} : { expectation: w.expectation }), reason: w.reason, expires: w.expires, source: w.source };
    return { ...r, verdict: 'waived', waiver };
  });
  const warnings: string[] = [];
  const outcomes = input.waivers.map((w): WaiverOutcome => {
    const ids = waived.get(w) ?? [];
    const ran = results.filter((r) => matches(w, r.id));
    let status: WaiverOutcome['status'];
    if (w.expires < input.today) {
      status = 'expired';
      const failed = ran.filter((r) => r.verdict === 'fail' && (w.expectation === undefined || failedMust(r) === w.expectation)).map((r) => r.id);
      const consequence = failed.length > 0 ? `: it no longer applies, and ${failed.join(', ')} count${failed.length === 1 ? 's' : ''} as failed` : '';
      warnings.push(`${label(w)}: expired on ${w.expires}${consequence}; renew its date or remove it`);
    } else if (ids.length > 0) {
      status = 'applied';
    } else if (![...input.catalog, ...ran.map((r) => r.id)].some((id) => matches(w, id))) {
      status = 'unused';
      warnings.push(`${label(w)}: unused: it matches no requirement; see \`gauntlet requirements\` for the ids`);
    } else if (ran.length === 0) {
      status = 'not-run';
    } else {
      status = 'unused';
      const why = ran.slice(0, 3).map((r) => whyNot(w, r));
      if (ran.length > 3) why.push(`and ${ran.length - 3} more it names, none failed as it covers`);
      warnings.push(`${label(w)}: unused: ${why.join('; ')}`);
    }
    return {
      requirement: w.requirement, ...(w.expectation === undefined ? {} : { expectation: w.expectation }),
      reason: w.reason, expires: w.expires, source: w.source, status, waived: ids,
    };
  });
  return { results, waivers: outcomes, warnings };
}

/** The run's day for waivers: the UTC date of `at`, YYYY-MM-DD. */
export function waiverDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
