import { LAYERS, PROFILES } from '../requirements/types.ts';
import type { RequirementResult } from '../requirements/types.ts';
import { formatEvidence } from './evidence-text.ts';
import type { RunReport } from './schema.ts';
import { escapeXmlText, xmlAttrs } from './xml.ts';

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** A line of markup, indented with its element, or a continuation line of a text body, kept verbatim. */
type Line = string | { verbatim: string };

interface Suite {
  name: string;
  /** Properties of this suite beside the run's. */
  props?: Record<string, string>;
  cases: Line[];
  counts: Counts;
  timeMs: number;
  timestamp?: string | undefined;
}

type Attrs = Record<string, string | number>;

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

// Indenting a text body's continuation lines would change the text, so they are marked verbatim.
function element(name: string, attrs: Attrs, body = ''): Line[] {
  if (body === '') return [`<${name}${xmlAttrs(attrs)}/>`];
  const [first = '', ...rest] = `<${name}${xmlAttrs(attrs)}>${escapeXmlText(body)}</${name}>`.split('\n');
  return [first, ...rest.map((verbatim) => ({ verbatim }))];
}

function block(name: string, attrs: Attrs, children: readonly Line[]): Line[] {
  const indented = children.map((line) => (typeof line === 'string' ? `  ${line}` : line));
  return [`<${name}${xmlAttrs(attrs)}>`, ...indented, `</${name}>`];
}

function properties(props: Record<string, string>): Line[] {
  return block('properties', {}, Object.entries(props).flatMap(([name, value]) => element('property', { name, value })));
}

function testcase(r: RequirementResult): Line[] {
  const evidence = formatEvidence(r.evidence);
  const details = evidence === '' ? r.reason : `${r.reason}\n\n${evidence}`;
  const systemOut = evidence === '' ? [] : element('system-out', {}, evidence);
  // Unmet SHOULD and MAY expectations are counted on the case (never a failure: they do not change the exit code).
  const unmet = (level: string) => r.evidence.expectations.filter((e) => e.level === level && !e.held).length;
  const waiver: Record<string, string> = r.waiver
    ? {
        'waiver.reason': r.waiver.reason, 'waiver.expires': r.waiver.expires, 'waiver.source': r.waiver.source,
        ...(r.waiver.expectation === undefined ? {} : { 'waiver.expectation': r.waiver.expectation }),
      }
    : {};
  const children = properties({
    level: r.level, profile: r.profile, verdict: r.verdict, upstream: r.upstream,
    'unmet.SHOULD': String(unmet('SHOULD')), 'unmet.MAY': String(unmet('MAY')), ...waiver,
  });
  switch (r.verdict) {
    case 'fail':
      children.push(...element('failure', { message: r.reason, type: 'fail' }, details));
      break;
    case 'waived':
      // Not a pass and not a failure of the run: skipped, saying so, with the failure it waives in the body.
      children.push(...element('skipped', { message: `waived: ${r.waiver?.reason ?? ''}` }, `failed: ${details}`));
      break;
    case 'error':
      children.push(...element('error', { message: r.reason, type: 'error' }, details));
      break;
    case 'inconclusive':
    case 'not-applicable':
      children.push(...element('skipped', { message: `${r.verdict}: ${r.reason}` }), ...systemOut);
      break;
    case 'pass':
      children.push(...systemOut);
      break;
  }
  const attrs = { classname: `${r.profile}.${r.layer}`, name: `${r.id}: ${r.title}`, time: seconds(r.durationMs) };
  return block('testcase', attrs, children);
}

function count(results: readonly RequirementResult[], ...verdicts: RequirementResult['verdict'][]): number {
  return results.filter((r) => verdicts.includes(r.verdict)).length;
}

function layerSuite(profile: string, layer: string, results: readonly RequirementResult[]): Suite {
  const starts = results.map((r) => r.startedAt).sort((a, b) => Date.parse(a) - Date.parse(b));
  return {
    name: `${profile}.${layer}`,
    props: { profile, layer },
    cases: results.flatMap(testcase),
    timestamp: starts[0],
    timeMs: results.reduce((sum, r) => sum + r.durationMs, 0),
    counts: {
      tests: results.length,
      failures: count(results, 'fail'),
      errors: count(results, 'error'),
      skipped: count(results, 'waived', 'inconclusive', 'not-applicable'),
    },
  };
}

// Errors outside any requirement must still fail a CI that reads only junit.xml: each becomes an error case.
function harnessSuite(errors: readonly string[]): Suite {
  const cases = errors.flatMap((message, i) => {
    const attrs = { classname: 'harness', name: `harness error ${i + 1}`, time: seconds(0) };
    const error = element('error', { message: message.split('\n', 1)[0] ?? '', type: 'harness' }, message);
    return block('testcase', attrs, error);
  });
  return { name: 'harness', cases, timeMs: 0, counts: { tests: errors.length, failures: 0, errors: errors.length, skipped: 0 } };
}

/**
 * One testsuite per profile and layer (`conformance.serving`, `operational.serving`: a conformance result
 * never mixes with operational ones), each testcase's classname the same; harness errors in their own.
 */
export function toJUnitXml(report: RunReport): string {
  const suites = PROFILES.flatMap((profile) =>
    LAYERS.map((layer) => layerSuite(profile, layer, report.requirements.filter((r) => r.profile === profile && r.layer === layer))),
  );
  const nonEmpty = suites.filter((s) => s.counts.tests > 0);
  if (report.errors.length > 0) nonEmpty.push(harnessSuite(report.errors));

  const runProps: Record<string, string> = { runId: report.runId, gauntletVersion: report.gauntletVersion, target: report.target.kind };
  if (report.selection.mutant !== null) runProps.mutant = report.selection.mutant;

  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suiteLines = nonEmpty.flatMap((s) => {
    for (const key of Object.keys(total) as (keyof Counts)[]) total[key] += s.counts[key];
    const attrs = { name: s.name, ...s.counts, time: seconds(s.timeMs), ...(s.timestamp ? { timestamp: s.timestamp } : {}) };
    return block('testsuite', attrs, [...properties({ ...runProps, ...s.props }), ...s.cases]);
  });
  const rootAttrs = { name: `gauntlet ${report.runId}`, ...total, time: seconds(report.durationMs), timestamp: report.startedAt };
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', ...block('testsuites', rootAttrs, suiteLines), ''];
  return lines.map((line) => (typeof line === 'string' ? line : line.verbatim)).join('\n');
}
