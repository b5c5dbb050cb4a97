import { randomUUID } from 'node:crypto';
import type { V1Pod } from '@kubernetes/client-node';
import { outcomes, requestsSeen, SEEN_HEADER, type MeshClient, type RequirementContext } from '../../../harness/index.ts';

export const REQUESTS = 10;
/** Envoy's RBAC filter's own answer, as Istio's sidecars give it (and Istio's authorization tasks show). */
export const RBAC_DENIED = 'RBAC: access denied';

/**
 * Sends REQUESTS requests, each with an `x-gauntlet-key` by which the server counts those that reached it, and
 * judges them. Allowed: all 200 (MUST). Denied: none served and none reached the workload (MUST: Istio's
 * reference says "deny the request", not how); each a 403 with Envoy's RBAC body (SHOULD: what Istio's sidecars
 * answer, which the reference does not specify).
 */
export async function expectDecision(
  ctx: RequirementContext, client: MeshClient, server: V1Pod, what: string, req: { url: string; method?: string }, allowed: boolean,
): Promise<void> {
  const key = `${randomUUID().slice(0, 8)}`;
  const results = await client.send({ url: req.url, count: REQUESTS, headers: { [SEEN_HEADER]: key }, ...(req.method ? { method: req.method } : {}) }, ctx.signal);
  const seen = (await requestsSeen(server, key, ctx.signal)).count;
  if (allowed) {
    const ok = results.filter((r) => r.status === 200).length;
    ctx.log.observe(`${what}: answered 200`, ok, { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });
    ctx.must(`${what}: all ${REQUESTS} requests allowed (200)`, ok === REQUESTS, `${what}: expected to be allowed (200), got ${JSON.stringify(outcomes(results))}`);
    return;
  }
  const served = results.filter((r) => r.status !== undefined && r.status >= 200 && r.status < 300).length;
  const rbac = results.filter((r) => r.status === 403 && (r.body ?? '').includes(RBAC_DENIED)).length;
  ctx.log.observe(`${what}: served (2xx)`, served, { bound: '0', unit: `of ${REQUESTS}` });
  ctx.log.observe(`${what}: reached the workload`, seen, { bound: '0', unit: `of ${REQUESTS}` });
  ctx.log.observe(`${what}: refused 403 "${RBAC_DENIED}"`, rbac, { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });
  ctx.must(
    `${what}: all ${REQUESTS} requests denied: none served, none reached the workload`, served === 0 && seen === 0,
    `${what}: ${served} of ${REQUESTS} served and ${seen} reached the workload (${JSON.stringify(outcomes(results))}): not denied`,
  );
  ctx.should(
    `${what}: each denied with 403 "${RBAC_DENIED}"`, rbac === REQUESTS,
    `${what}: ${rbac} of ${REQUESTS} got 403 "${RBAC_DENIED}": ${JSON.stringify(outcomes(results))}`,
  );
}
