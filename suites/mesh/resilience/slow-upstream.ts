import { outcomes, type MeshClient, type RequirementContext } from '../../../harness/index.ts';

export const UPSTREAM_DELAY_MS = 1000;
export const REQUESTS = 10;

/** Requests to an upstream that answers after 1 s (the probe's delay knob): each must be a 504 within [minMs, 1000 ms). */
export async function expectGatewayTimeouts(ctx: RequirementContext, client: MeshClient, url: string, minMs: number, what: string): Promise<void> {
  const results = await client.send({ url: `${url}?delay=${UPSTREAM_DELAY_MS}`, count: REQUESTS, concurrency: REQUESTS, timeoutMs: 5000, bodies: false }, ctx.signal);
  const inTime = results.filter((r) => r.status === 504 && r.ms >= minMs && r.ms < UPSTREAM_DELAY_MS).length;
  const durations = results.map((r) => Math.round(r.ms)).sort((a, b) => a - b);
  ctx.log.sample(REQUESTS);
  ctx.log.observe(`504 in ${minMs}..${UPSTREAM_DELAY_MS} ms`, inTime, { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });
  ctx.log.observe('durations', JSON.stringify(durations), { unit: 'ms' });
  ctx.must(
    `${what}: each of ${REQUESTS} requests to a ${UPSTREAM_DELAY_MS} ms upstream is a 504 in ${minMs}..${UPSTREAM_DELAY_MS} ms`, inTime === REQUESTS,
    `${what}: expected ${REQUESTS} 504s in ${minMs}..${UPSTREAM_DELAY_MS} ms from a ${UPSTREAM_DELAY_MS} ms upstream, got ${JSON.stringify(outcomes(results))} in ${JSON.stringify(durations)} ms`,
  );
}
