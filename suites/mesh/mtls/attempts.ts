import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APP_PORT, classifyAttempt, outcomes, tallyAttempts,
  type ForwardResult, type ForwardSpec, type MeshClient, type RequirementContext, type UntrustedBehaviour,
} from '../../../harness/index.ts';
import { judgeRejections, type BehaviourTally, type ControlOutcome } from './judge.ts';

/** Per attempt: long enough for a handshake on a busy machine, short enough that a silent port costs little. */
const ATTEMPT_TIMEOUT_MS = 3000;
const CONCURRENCY = 4;
/** Attempts of the trusted-certificate control. */
const CONTROL_ATTEMPTS = 5;

export interface RejectionCheck {
  /** The client outside the mesh, and the server pod's address it dials (the sidecar's inbound listener). */
  outsider: MeshClient;
  url: string;
  podIP: string;
  behaviours: UntrustedBehaviour[];
  /** A certificate the policy allows (the mesh CA's, valid): the same client must be served with it. */
  trusted?: UntrustedBehaviour;
  attempts: number;
  /**
   * Makes the policy let the outsider's plaintext in (PeerAuthentication PERMISSIVE): the reachability
   * control, run after the attempts.
   */
  allowPlaintext: () => Promise<void>;
}

/** The `/forward` request of one behaviour: straight at the pod's port, each attempt on a fresh connection. */
function attemptSpec(url: string, podIP: string, b: UntrustedBehaviour, count: number): ForwardSpec {
  const target = new URL(url);
  target.protocol = `${b.scheme}:`;
  return {
    url: target.href, connectTo: `${podIP}:${APP_PORT}`, count, concurrency: CONCURRENCY, timeoutMs: ATTEMPT_TIMEOUT_MS, proxy: 'none', bodies: false,
    ...(b.protocol ? { protocol: b.protocol } : {}), ...(b.tls ? { tls: b.tls } : {}),
  };
}

interface Tried {
  behaviour: UntrustedBehaviour;
  results: ForwardResult[];
  tally: BehaviourTally;
}

async function attempt(ctx: RequirementContext, c: RejectionCheck, b: UntrustedBehaviour, count: number): Promise<Tried> {
  const results = await c.outsider.send(attemptSpec(c.url, c.podIP, b, count), ctx.signal);
  const t = tallyAttempts(results, b.scheme === 'https');
  return { behaviour: b, results, tally: { name: b.name, class: b.class, attempts: results.length, classes: t.classes, hows: t.hows } };
}

/**
 * The reachability control: with the policy switched to PERMISSIVE, the same client's plaintext to the same
 * port must be served (within the time the mesh takes to apply a policy, readyTimeoutSeconds).
 */
async function plaintextOnceAllowed(ctx: RequirementContext, c: RejectionCheck): Promise<ControlOutcome> {
  const name = 'the same client, plaintext to the same port, once the policy is PERMISSIVE';
  const plain: UntrustedBehaviour = { name, class: 'HTTP version', scheme: 'http' };
  await c.allowPlaintext();
  const started = Date.now();
  const deadline = started + ctx.settings.readyTimeoutSeconds * 1000;
  let last = 'no attempt';
  while (Date.now() < deadline) {
    const [r] = await c.outsider.send(attemptSpec(c.url, c.podIP, plain, 1), ctx.signal);
    const k = classifyAttempt(r!, false);
    if (k.class === 'served') return { name, held: true, detail: `served ${Date.now() - started} ms after the policy allowed plaintext` };
    last = `${k.class}: ${k.how}`;
    await new Promise((res) => setTimeout(res, 200));
  }
  return { name, held: false, detail: `not served within ${ctx.settings.readyTimeoutSeconds} s of the policy allowing plaintext (last: ${last})` };
}

/**
 * Tries every behaviour `attempts` times from the client outside the mesh, straight at the server pod's port,
 * and judges the attempts by how each ended (harness/mesh-clients/attempts.ts, ./judge.ts): the workload must
 * refuse every one after accepting its connection. Controls: the trusted certificate is served, and the same
 * client's plaintext is served once the policy allows it. Every attempt's class is in the report folder
 * (`mesh/<requirement>.attempts.jsonl`); the counts by class and by how they ended are in the evidence.
 */
export async function checkRejections(ctx: RequirementContext, c: RejectionCheck): Promise<void> {
  // Preflight: one plaintext attempt. A port the client cannot reach at all makes every other attempt a wait.
  const [first] = await c.outsider.send(attemptSpec(c.url, c.podIP, { name: 'preflight', class: 'HTTP version', scheme: 'http' }, 1), ctx.signal);
  const preflight = classifyAttempt(first!, false);
  ctx.log.note(`preflight, plaintext to ${c.podIP}:${APP_PORT}: ${preflight.class} (${preflight.how})`);
  if (preflight.class === 'unreachable') {
    ctx.inconclusive(`the client outside the mesh cannot reach the server pod at ${c.podIP}:${APP_PORT} (${preflight.how}): no attempt can be refused there`);
  }

  const tried: Tried[] = [];
  for (const b of c.behaviours) tried.push(await attempt(ctx, c, b, c.attempts));
  const controls: ControlOutcome[] = [];
  let trusted: Tried | undefined;
  if (c.trusted) {
    trusted = await attempt(ctx, c, c.trusted, CONTROL_ATTEMPTS);
    const served = trusted.tally.classes.served;
    controls.push({
      name: c.trusted.name, held: served === CONTROL_ATTEMPTS,
      detail: served === CONTROL_ATTEMPTS ? `${served} of ${CONTROL_ATTEMPTS} served` : `${served} of ${CONTROL_ATTEMPTS} served: ${JSON.stringify(trusted.tally.hows)}`,
    });
  }
  const tallies = tried.map((t) => t.tally);
  const through = tallies.some((t) => t.classes.served + t.classes.answered > 0);
  // Switching the policy is needed only to make a pass mean something.
  if (!through) controls.push(await plaintextOnceAllowed(ctx, c));

  for (const t of tried) {
    const k = t.tally;
    ctx.log.observe(`${k.class} / ${k.name}: refused after the connection was accepted`, k.classes.refused, { bound: `${k.attempts}`, unit: `of ${k.attempts}` });
    ctx.log.note(`${k.class} / ${k.name}: ${JSON.stringify(k.hows)}`);
  }
  if (trusted) ctx.log.observe(`control: ${trusted.tally.name}: served`, trusted.tally.classes.served, { bound: `${CONTROL_ATTEMPTS}`, unit: `of ${CONTROL_ATTEMPTS}` });
  for (const ctl of controls) ctx.log.note(`control: ${ctl.name}: ${ctl.held ? 'held' : 'did not hold'} (${ctl.detail})`);
  const classes = [...new Set(c.behaviours.map((b) => b.class))];
  ctx.log.observe('classes of untrusted behaviour covered', classes.join(', '));
  ctx.log.observe('untrusted behaviours tried', c.behaviours.length);
  const total = tallies.reduce((s, t) => s + t.attempts, 0);
  ctx.log.sample(total);
  ctx.log.observe('attempts refused after the connection was accepted', tallies.reduce((s, t) => s + t.classes.refused, 0), { bound: `${total}`, unit: `of ${total}` });
  writeAttempts(ctx, [...tried, ...(trusted ? [trusted] : [])]);

  const j = judgeRejections(tallies, controls);
  const claim = 'every attempt without a mesh identity is refused by the workload after it accepted the connection (a TLS alert, a close, a reset, or 401/403), none served';
  if (j.verdict === 'fail') ctx.must(claim, false, j.reason);
  if (j.verdict === 'inconclusive') ctx.inconclusive(j.reason);
  ctx.must(claim, true);
}

/** Every attempt with its class, how it ended and its trace, one JSON line each: `mesh/<requirement>.attempts.jsonl` in the report folder. */
function writeAttempts(ctx: RequirementContext, tried: Tried[]): void {
  const rel = join('mesh', `${ctx.declaration.id}.attempts.jsonl`);
  const lines = tried.flatMap((t) => t.results.map((r, i) => JSON.stringify({
    behaviour: t.behaviour.name, behaviourClass: t.behaviour.class, attempt: i, ...classifyAttempt(r, t.behaviour.scheme === 'https'),
    ms: Math.round(r.ms), ...(r.status !== undefined ? { status: r.status } : {}), ...(r.error ? { error: r.error.split('\n')[0] } : {}), trace: r.trace,
  })));
  mkdirSync(join(ctx.reportDir, 'mesh'), { recursive: true });
  writeFileSync(join(ctx.reportDir, rel), `${lines.join('\n')}\n`);
  ctx.log.artifact(rel);
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
