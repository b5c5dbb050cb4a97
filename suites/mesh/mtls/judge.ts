import type { AttemptClass, UntrustedClass } from '../../../harness/index.ts';

/** One untrusted behaviour's attempts, classified (harness/mesh-clients/attempts.ts). */
export interface BehaviourTally {
  name: string;
  class: UntrustedClass;
  attempts: number;
  classes: Record<AttemptClass, number>;
  /** Attempts by `class: how`. */
  hows: Record<string, number>;
}

/** A control: the same client, the same port, a case the policy allows -- it must be served. */
export interface ControlOutcome {
  name: string;
  held: boolean;
  detail: string;
}

export interface RejectionJudgement {
  verdict: 'pass' | 'fail' | 'inconclusive';
  reason: string;
}

const hows = (t: BehaviourTally, classes: AttemptClass[]) =>
  Object.entries(t.hows).filter(([k]) => classes.some((c) => k.startsWith(`${c}:`))).map(([k, n]) => `${n}x ${k}`).join(', ');

/**
 * The verdict of a rejection check, from every attempt's class:
 * - `fail` when any attempt was served (2xx) or answered otherwise than by a refusal: the workload let a
 *   client without a mesh identity past its connection;
 * - else `inconclusive` when any attempt never reached the workload (`unreachable`) or ended undecided: a
 *   refusal counts only where the sidecar accepted the connection and then refused, and an attempt that did not
 *   get there proves nothing; also when a control failed (the same client was not served on the same port when
 *   the policy allowed it), or nothing was tried;
 * - else `pass`: every attempt was refused after the connection was accepted.
 */
export function judgeRejections(tallies: readonly BehaviourTally[], controls: readonly ControlOutcome[]): RejectionJudgement {
  const through = tallies.filter((t) => t.classes.served + t.classes.answered > 0);
  if (through.length > 0) {
    const n = through.reduce((s, t) => s + t.classes.served + t.classes.answered, 0);
    return {
      verdict: 'fail',
      reason: `${n} attempt(s) without a mesh identity got past the connection: ${through.map((t) => `${t.name} [${t.class}]: ${hows(t, ['served', 'answered'])}`).join('; ')}`,
    };
  }
  if (tallies.length === 0) return { verdict: 'inconclusive', reason: 'no untrusted behaviour was tried' };
  const unclear = tallies.filter((t) => t.classes.unreachable + t.classes.undecided > 0);
  if (unclear.length > 0) {
    return {
      verdict: 'inconclusive',
      reason: `attempts that never reached the workload or ended undecided prove no refusal: ${unclear.map((t) => `${t.name} [${t.class}]: ${hows(t, ['unreachable', 'undecided'])}`).join('; ')}`,
    };
  }
  const failed = controls.filter((c) => !c.held);
  if (failed.length > 0) {
    return { verdict: 'inconclusive', reason: `the control did not hold, so the refusals prove nothing: ${failed.map((c) => `${c.name}: ${c.detail}`).join('; ')}` };
  }
  const attempts = tallies.reduce((s, t) => s + t.attempts, 0);
  const classes = [...new Set(tallies.map((t) => t.class))];
  return { verdict: 'pass', reason: `all ${attempts} attempts of ${tallies.length} behaviours (${classes.join(', ')}) were refused after the connection was accepted` };
}
