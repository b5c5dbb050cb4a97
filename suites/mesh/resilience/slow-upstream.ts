import { randomUUID } from 'node:crypto';
import { outcomes, SEEN_HEADER, type ForwardResult, type MeshClient, type RequirementContext } from '../../../harness/index.ts';

export const UPSTREAM_DELAY_MS = 1000;
export const REQUESTS = 10;

export interface SlowCalls {
  results: ForwardResult[];
  /** Each request's `x-gauntlet-key`, in the order of `results`: the workload counts the attempts it saw by it. */
  keys: string[];
}

/**
 * Sends REQUESTS requests at once to an upstream that answers after 1 s (the probe's delay knob), each with its
 * own `x-gauntlet-key`, holding the target alone: the checks judge their durations.
 */
export async function callSlowUpstream(ctx: RequirementContext, client: MeshClient, url: string): Promise<SlowCalls> {
  const run = randomUUID().slice(0, 8);
  const keys = Array.from({ length: REQUESTS }, (_, i) => `${run}-${i}`);
  const results = await ctx.exclusive(() => Promise.all(keys.map(async (key) => {
    const [r] = await client.send({ url: `${url}?delay=${UPSTREAM_DELAY_MS}`, headers: { [SEEN_HEADER]: key }, timeoutMs: 5000, bodies: false }, ctx.signal);
    return r!;
  })));
  return { results, keys };
}

/**
 * Each request to the 1 s upstream must end in [minMs, 1000 ms) without the upstream's answer (MUST: the
 * timeout ended it), with Envoy's 504 (SHOULD: Istio's reference names no status).
 */
export function expectEndedInTime(ctx: RequirementContext, results: readonly ForwardResult[], minMs: number, what: string): void {
  const inTime = (r: ForwardResult) => r.status !== undefined && (r.status < 200 || r.status >= 300) && r.ms >= minMs && r.ms < UPSTREAM_DELAY_MS;
  const ended = results.filter(inTime).length;
  const gateway = results.filter((r) => inTime(r) && r.status === 504).length;
  const durations = results.map((r) => Math.round(r.ms)).sort((a, b) => a - b);
  ctx.log.sample(results.length);
  ctx.log.observe(`ended without the upstream's answer in ${minMs}..${UPSTREAM_DELAY_MS} ms`, ended, { bound: `${results.length}`, unit: `of ${results.length}` });
  ctx.log.observe('of them 504', gateway, { bound: `${results.length}`, unit: `of ${results.length}` });
  ctx.log.observe('durations', JSON.stringify(durations), { unit: 'ms' });
  ctx.must(
    `${what}: each of ${results.length} requests to a ${UPSTREAM_DELAY_MS} ms upstream ends without its answer in ${minMs}..${UPSTREAM_DELAY_MS} ms`, ended === results.length,
    `${what}: expected ${results.length} requests ended in ${minMs}..${UPSTREAM_DELAY_MS} ms without the ${UPSTREAM_DELAY_MS} ms upstream's 200, got ${JSON.stringify(outcomes(results))} in ${JSON.stringify(durations)} ms`,
  );
  ctx.should(
    `${what}: they end with 504 (Envoy's upstream timeout)`, gateway === results.length,
    `${what}: ${gateway} of ${results.length} ended with 504: ${JSON.stringify(outcomes(results))}`,
  );
}
