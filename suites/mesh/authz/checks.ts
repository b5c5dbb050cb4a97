import { outcomes, type MeshClient, type RequirementContext } from '../../../harness/index.ts';

export const REQUESTS = 10;
/** Envoy's RBAC filter's own answer, as Istio's sidecars give it. */
export const RBAC_DENIED = 'RBAC: access denied';

/** Sends REQUESTS requests and judges them all: `allowed` wants 200s, otherwise 403s with Envoy's RBAC body. */
export async function expectDecision(
  ctx: RequirementContext, client: MeshClient, what: string, req: { url: string; method?: string }, allowed: boolean,
): Promise<void> {
  const results = await client.send({ url: req.url, count: REQUESTS, ...(req.method ? { method: req.method } : {}) }, ctx.signal);
  const right = results.filter((r) => (allowed ? r.status === 200 : r.status === 403 && (r.body ?? '').includes(RBAC_DENIED))).length;
  ctx.log.observe(`${what}: ${allowed ? 'answered 200' : `refused 403 "${RBAC_DENIED}"`}`, right, { bound: `${REQUESTS}`, unit: `of ${REQUESTS}` });
  ctx.must(
    `${what}: all ${REQUESTS} requests ${allowed ? 'allowed (200)' : `refused with 403 "${RBAC_DENIED}"`}`, right === REQUESTS,
    `${what}: expected ${allowed ? 'to be allowed (200)' : `403 "${RBAC_DENIED}"`}, got ${JSON.stringify(outcomes(results))}`,
  );
}
