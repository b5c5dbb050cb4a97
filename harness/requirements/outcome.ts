import type { Evidence, Expectation, Observation, Verdict } from './types.ts';

/** Thrown by a requirement's context to end it with a verdict other than pass (`waived` is the runner's, after the run). */
export class VerdictSignal extends Error {
  readonly verdict: Exclude<Verdict, 'pass' | 'waived'>;
  readonly reason: string;
  constructor(verdict: Exclude<Verdict, 'pass' | 'waived'>, reason: string) {
    super(reason);
    this.verdict = verdict;
    this.reason = reason;
  }
}

/** Gathers evidence as a requirement runs. */
export class EvidenceLog {
  readonly evidence: Evidence = { expectations: [], observations: [], resources: [], artifacts: [], notes: [] };

  expectation(e: Expectation): void {
    this.evidence.expectations.push(e);
  }

  observe(name: string, value: Observation['value'], more: { unit?: string; bound?: string } = {}): void {
    this.evidence.observations.push({ name, value, ...more });
  }

  resource(ref: string): void {
    if (!this.evidence.resources.includes(ref)) this.evidence.resources.push(ref);
  }

  note(text: string): void {
    this.evidence.notes.push(text);
  }

  artifact(relativePath: string): void {
    this.evidence.artifacts.push(relativePath);
  }

  sample(size: number, confidence?: number): void {
    this.evidence.sampleSize = size;
    if (confidence !== undefined) this.evidence.confidence = confidence;
  }
}
