import { test, inject } from 'vitest';
import { Cluster } from '../cluster/cluster.ts';
import { loadKubeconfig } from '../cluster/connect.ts';
import { WaitTimeout, describeError } from '../../lib/errors.ts';
import { EvidenceLog, VerdictSignal } from './outcome.ts';
import { join, relative } from 'node:path';
import { MissingToolsError } from '../../lib/tools/resolve.ts';
import { runLoad } from '../load/run-k6.ts';
import type { LoadSpec } from '../load/spec.ts';
import type { LoadResult } from '../load/result.ts';
import type { RequirementDeclaration, RequirementResult, Verdict } from './types.ts';
import type { RunSettings } from './run-context.ts';
import './run-context.ts';
import { withTargetLock, type LockMode } from './target-lock.ts';

export interface RequirementContext {
  readonly declaration: RequirementDeclaration;
  readonly cluster: Cluster;
  readonly settings: RunSettings;
  readonly reportDir: string;
  readonly log: EvidenceLog;
  readonly signal: AbortSignal;
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
  /** Ends the requirement as failed unless `condition` holds. */
  expect(condition: boolean, reason: string): void;
  /** The value, or the requirement fails with `reason` when it is missing. */
  require<T>(value: T | undefined | null, reason: string): T;
  fail(reason: string): never;
  inconclusive(reason: string): never;
  notApplicable(reason: string): never;
}

/**
 * Implements a declared requirement as a vitest test. The body passes by returning; it ends otherwise
 * through `ctx.fail`, `ctx.inconclusive`, `ctx.notApplicable`. A WaitTimeout is a failure of the target
 * to reach the awaited state in its bound; any other exception is an `error` of the harness or target.
 */
export function requirement(id: string, body: (ctx: RequirementContext) => Promise<void>, timeoutMs = 300_000): void {
  const run = inject('gauntlet');
  const declaration = run.requirements[id];
  if (!declaration) {
    test.skip(`${id} (not selected)`, () => undefined);
    return;
  }
  test(`${id}: ${declaration.title}`, { timeout: timeoutMs }, async ({ task, signal }) => {
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
    const ctx: RequirementContext = {
      declaration, cluster, settings: run.settings, reportDir: run.reportDir, log, signal,
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
      expect(condition, reason) {
        if (!condition) throw new VerdictSignal('fail', reason);
      },
      require(value, reason) {
        if (value === undefined || value === null) throw new VerdictSignal('fail', reason);
        return value;
      },
      fail: (reason) => { throw new VerdictSignal('fail', reason); },
      inconclusive: (reason) => { throw new VerdictSignal('inconclusive', reason); },
      notApplicable: (reason) => { throw new VerdictSignal('not-applicable', reason); },
    };
    let verdict: Verdict = 'pass';
    let reason = 'all expectations held';
    try {
      await body(ctx);
    } catch (e) {
      if (e instanceof VerdictSignal) [verdict, reason] = [e.verdict, e.reason];
      else if (e instanceof WaitTimeout) [verdict, reason] = ['fail', e.message];
      else if (e instanceof MissingToolsError) [verdict, reason] = ['inconclusive', e.message];
      else [verdict, reason] = ['error', describeError(e)];
    }
    const result: RequirementResult = {
      id, level: declaration.level, layer: declaration.layer, title: declaration.title, upstream: declaration.upstream,
      verdict, reason, evidence: log.evidence, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(),
    };
    task.meta.gauntlet = result;
    if (verdict === 'fail' || verdict === 'error') throw new Error(`${verdict}: ${reason}`);
  });
}
