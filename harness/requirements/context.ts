import { join, relative } from 'node:path';
import { WaitTimeout, describeError } from '../../lib/errors.ts';
import { MissingToolsError } from '../../lib/tools/resolve.ts';
import { Cluster } from '../cluster/cluster.ts';
import { loadKubeconfig } from '../cluster/connect.ts';
import { runLoad } from '../load/run-k6.ts';
import type { LoadSpec } from '../load/spec.ts';
import type { LoadResult } from '../load/result.ts';
import { EvidenceLog, VerdictSignal } from './outcome.ts';
import type { Requirement } from './requirement.ts';
import type { RunContext, RunSettings } from './run-context.ts';
import { withTargetLock, type LockMode } from './target-lock.ts';
import type { Level, RequirementDeclaration, RequirementResult, Verdict } from './types.ts';

export interface RequirementContext {
  readonly declaration: RequirementDeclaration;
  readonly cluster: Cluster;
  readonly settings: RunSettings;
  readonly reportDir: string;
  readonly log: EvidenceLog;
  readonly signal: AbortSignal;
  /** Whether the run selected the requirement `id` (for set-up that files share among their requirements). */
  selected(id: string): boolean;
  /**
   * Runs `phase` while no other requirement of the run holds the target (`exclusive` or `lightLoad`), first
   * come first served: load, and anything whose latency or rate is judged, must not share the machine with
   * another's load. Set-up, waiting for status and judging run outside, beside the other requirements.
   */
  exclusive<T>(phase: () => Promise<T>): Promise<T>;
  /**
   * Runs `phase`, a light load (a few pods' worth of concurrency, tens of requests a second) judged against
   * the target's own windows rather than latency: beside other such phases, never beside an exclusive one.
   */
  lightLoad<T>(phase: () => Promise<T>): Promise<T>;
  /**
   * Runs a k6 load (harness/load), only inside `exclusive` or `lightLoad`; its raw output lands in the run's
   * report folder as evidence.
   */
  load(spec: LoadSpec, hooks?: { onFirstResponse?: () => void }): Promise<LoadResult>;
  /** Records `claim` at MUST; when it does not hold the requirement ends as failed, with `otherwise` (or the claim) as reason. */
  must(claim: string, holds: boolean, otherwise?: string): void;
  /** Records `claim` at SHOULD: counted and reported when it does not hold, and the requirement goes on. */
  should(claim: string, holds: boolean, otherwise?: string): void;
  /** Records `claim` at MAY: counted and reported, and the requirement goes on. */
  may(claim: string, holds: boolean, otherwise?: string): void;
  /** The value, or the requirement fails with `reason` when it is missing. */
  require<T>(value: T | undefined | null, reason: string): T;
  fail(reason: string): never;
  inconclusive(reason: string): never;
  notApplicable(reason: string): never;
}

/**
 * Runs one requirement's body against the run's target and turns how it ended into a verdict. A
 * WaitTimeout is a failure of the target to reach the awaited state in its bound; a missing tool makes
 * it inconclusive; any other exception is an `error` of the harness or target.
 */
export async function runRequirement(r: Requirement, run: RunContext, signal: AbortSignal): Promise<RequirementResult> {
  const { id } = r;
  const declaration = r.declaration;
  const log = new EvidenceLog();
  const cluster = new Cluster(loadKubeconfig(run.kubeconfig, run.context ?? undefined), run.namespace);
  cluster.onApply = (ref) => log.resource(ref);
  const startedAt = new Date();
  let holding: LockMode | undefined;
  const hold = async <T>(mode: LockMode, phase: () => Promise<T>): Promise<T> => {
    if (holding === 'exclusive' || holding === mode) return phase();
    if (holding) throw new Error(`${id} asked for the target alone inside a light-load phase: end that phase first`);
    const askedAt = Date.now();
    return withTargetLock(run.targetLock, mode, signal, async () => {
      holding = mode;
      const heldAt = Date.now();
      try {
        return await phase();
      } finally {
        holding = undefined;
        const how = mode === 'exclusive' ? 'alone' : 'beside light loads only';
        log.note(`held the target ${how} from ${new Date(heldAt).toISOString().slice(11, 22)} for ${((Date.now() - heldAt) / 1000).toFixed(1)} s, after waiting ${((heldAt - askedAt) / 1000).toFixed(1)} s`);
      }
    });
  };
  const expectation = (level: Level) => (claim: string, holds: boolean, otherwise?: string) => {
    log.expectation({ level, claim, held: holds, ...(holds || otherwise === undefined ? {} : { detail: otherwise }) });
    if (!holds && level === 'MUST') throw new VerdictSignal('fail', otherwise ?? `not so: ${claim}`);
  };
  const ctx: RequirementContext = {
    declaration, cluster, settings: run.settings, reportDir: run.reportDir, log, signal,
    selected: (other) => run.selected.includes(other),
    exclusive: (phase) => hold('exclusive', phase),
    lightLoad: (phase) => hold('shared', phase),
    async load(spec, hooks) {
      if (!holding) throw new Error(`${id} started the k6 load ${spec.name} outside ctx.exclusive or ctx.lightLoad: a load must not share the target with another requirement's`);
      const result = await runLoad(spec, {
        outDir: join(run.reportDir, 'load'),
        signal,
        ...(hooks?.onFirstResponse ? { onFirstResponse: hooks.onFirstResponse } : {}),
        ...(run.showProgress ? { progress: (line: string) => void process.stderr.write(`       ${line}\n`) } : {}),
      });
      for (const f of Object.values(result.files)) log.artifact(relative(run.reportDir, f));
      return result;
    },
    must: expectation('MUST'),
    should: expectation('SHOULD'),
    may: expectation('MAY'),
    require(value, reason) {
      if (value === undefined || value === null) throw new VerdictSignal('fail', reason);
      return value;
    },
    fail: (reason) => { throw new VerdictSignal('fail', reason); },
    inconclusive: (reason) => { throw new VerdictSignal('inconclusive', reason); },
    notApplicable: (reason) => { throw new VerdictSignal('not-applicable', reason); },
  };
  let verdict: Verdict = 'pass';
  let reason = 'every MUST held';
  try {
    await r.body(ctx);
  } catch (e) {
    if (e instanceof VerdictSignal) [verdict, reason] = [e.verdict, e.reason];
    else if (e instanceof WaitTimeout) [verdict, reason] = ['fail', e.message];
    else if (e instanceof MissingToolsError) [verdict, reason] = ['inconclusive', e.message];
    else [verdict, reason] = ['error', describeError(e)];
  }
  const unmet = log.evidence.expectations.filter((x) => !x.held && x.level !== 'MUST');
  if (verdict === 'pass' && unmet.length > 0) reason = `every MUST held; not met: ${unmet.map((x) => `${x.level} ${x.claim}`).join('; ')}`;
  return {
    id, level: declaration.level, layer: declaration.layer, profile: declaration.profile, title: declaration.title, upstream: declaration.upstream,
    verdict, reason, evidence: log.evidence, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(),
  };
}
