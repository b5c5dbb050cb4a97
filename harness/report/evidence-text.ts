import type { Evidence, Expectation, Observation } from '../requirements/types.ts';

function observationLine(o: Observation): string {
  const value = o.value === null ? 'null' : typeof o.value === 'string' ? JSON.stringify(o.value) : String(o.value);
  const unit = o.unit ? ` ${o.unit}` : '';
  const bound = o.bound ? ` (bound: ${o.bound})` : '';
  return `  - ${o.name}: ${value}${unit}${bound}`;
}

function expectationLine(e: Expectation): string {
  return `  - ${e.level} ${e.held ? 'held' : 'NOT MET'}: ${e.claim}${e.detail ? ` (${e.detail})` : ''}`;
}

function list(title: string, items: readonly string[]): string[] {
  return items.length === 0 ? [] : [`${title}:`, ...items.map((item) => `  - ${item}`)];
}

/** Evidence as plain text for people: JUnit bodies, logs. Empty sections are left out. */
export function formatEvidence(evidence: Evidence): string {
  const lines: string[] = [];
  if (evidence.expectations.length > 0) lines.push('expectations:', ...evidence.expectations.map(expectationLine));
  if (evidence.observations.length > 0) lines.push('observations:', ...evidence.observations.map(observationLine));
  if (evidence.sampleSize !== undefined) lines.push(`sample size: ${evidence.sampleSize}`);
  if (evidence.confidence !== undefined) lines.push(`confidence: ${evidence.confidence}`);
  lines.push(...list('resources', evidence.resources), ...list('artifacts', evidence.artifacts), ...list('notes', evidence.notes));
  return lines.join('\n');
}
