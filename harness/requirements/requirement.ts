import type { RequirementContext } from './context.ts';
import type { RequirementDeclaration } from './types.ts';

export type RequirementBody = (ctx: RequirementContext) => Promise<void>;

/**
 * A requirement: its declaration and its body, in one spec file. Made by `requirement()` and exported by the
 * spec module, so that the catalog (`gauntlet requirements`, the run's selection) is read from the modules
 * themselves.
 */
export class Requirement {
  readonly declaration: RequirementDeclaration;
  readonly body: RequirementBody;
  /** How long the body may take before the run ends it as an error. */
  readonly timeoutMs: number;
  constructor(declaration: RequirementDeclaration, body: RequirementBody, timeoutMs: number) {
    this.declaration = declaration;
    this.body = body;
    this.timeoutMs = timeoutMs;
  }
  get id(): string {
    return this.declaration.id;
  }
}

/**
 * Where requirements go once declared: inside a run's worker, to the test runner (harness/runner/worker.ts);
 * anywhere else (the CLI reading the catalog, the project's own tests) nowhere, so importing a spec module
 * only declares.
 */
export interface RequirementBinding {
  register(requirement: Requirement): void;
  /** Runs `fn` once the file's requirements have all run (their shared resources' teardown). */
  afterFile(fn: () => Promise<void>): void;
}

let binding: RequirementBinding | undefined;

export function bindRequirements(b: RequirementBinding): void {
  binding = b;
}

/**
 * Declares a requirement with its body, in the style of Knative's reconciler-test features: the body sets
 * up, acts and asserts with `ctx.must`, `ctx.should` and `ctx.may`. It passes by returning; it ends
 * otherwise through a MUST that does not hold, `ctx.fail`, `ctx.inconclusive` or `ctx.notApplicable`.
 *
 * ```ts
 * export default requirement({
 *   id: 'SERVING.READY.BASIC', level: 'MUST', layer: 'serving', profile: 'conformance', title: '...', upstream: '...', bound: '...',
 *   mutants: ['never-ready'],
 * }, async (ctx) => { ... });
 * ```
 */
export function requirement(declaration: RequirementDeclaration & { timeoutMs?: number }, body: RequirementBody): Requirement {
  const { timeoutMs = 300_000, ...rest } = declaration;
  const r = new Requirement(rest, body, timeoutMs);
  binding?.register(r);
  return r;
}

/**
 * Teardown of what a file's requirements share (one Service behind several requirements, say): runs once
 * they have all run, whatever their verdicts. Outside a run it does nothing.
 */
export function afterFile(fn: () => Promise<void>): void {
  binding?.afterFile(fn);
}
