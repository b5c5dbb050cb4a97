import { APP_PORT, outcomes, type MeshClient, type RequirementContext, type UntrustedBehaviour } from '../../../harness/index.ts';

/**
 * Sends `count` requests from a client outside the mesh straight to a server pod's port (where its sidecar
 * listens), each on a fresh connection, behaving as `b` says; returns how many got any HTTP response.
 */
export async function untrustedAttempts(
  ctx: RequirementContext, client: MeshClient, url: string, podIP: string, b: UntrustedBehaviour, count: number,
): Promise<number> {
  const target = new URL(url);
  target.protocol = `${b.scheme}:`;
  const results = await client.send({
    url: target.href, connectTo: `${podIP}:${APP_PORT}`, count, timeoutMs: 3000, proxy: 'none', bodies: false, ...(b.tls ? { tls: b.tls } : {}),
  }, ctx.signal);
  const answered = results.filter((r) => r.status !== undefined).length;
  ctx.log.observe(`${b.name}: requests answered`, answered, { bound: '0', unit: `of ${count}` });
  ctx.log.note(`${b.name}: ${JSON.stringify(outcomes(results))}`);
  return answered;
}

/** The in-mesh control: the server must serve a client of the mesh, or refusing the others proves nothing. */
export async function inMeshControl(ctx: RequirementContext, client: MeshClient, url: string, count: number): Promise<void> {
  const results = await client.send({ url, count, timeoutMs: 5000 }, ctx.signal);
  const ok = results.filter((r) => r.status === 200).length;
  ctx.log.observe('in-mesh client: requests answered 200', ok, { bound: `${count}`, unit: `of ${count}` });
  ctx.must(
    `the server serves the in-mesh client (the control): ${count} of ${count} answered 200`, ok === count,
    `the in-mesh client got ${JSON.stringify(outcomes(results))} for ${count} requests: the server does not serve the mesh, so refusals prove nothing`,
  );
}
