/**
 * The mutants the reference offers: named defects it can be started with (`--mutant NAME` or
 * `--mutant NAME=VALUE`), each with its parameter where it has a magnitude. Which requirement must catch
 * which mutant, and at which magnitude, the requirements say (their declarations' `mutants`).
 */
export interface Mutant {
  name: string;
  description: string;
  /** A numeric knob of the defect, set with NAME=VALUE. */
  parameter?: { name: string; unit: string; default: number; min: number; max: number };
}

export const MUTANTS = [
  // Readiness and the runtime contract.
  {
    name: 'never-ready',
    description: 'Revisions never report Ready=True, though their pods run and answer',
  },
  {
    name: 'wrong-revision-env',
    description: "The user container gets the Configuration's name in K_REVISION instead of the Revision's",
  },
  {
    name: 'hides-container-failure',
    description: 'A revision whose container crashes stays Ready=Unknown instead of reporting Ready=False with the reason',
  },
  {
    name: 'misreports-container-failure',
    description:
      "A revision whose container crashes reports Ready=False as ProgressDeadlineExceeded (initial scale never achieved), not the container's exit",
  },
  { name: 'no-port-env', description: 'The user container gets no PORT environment variable' },
  {
    name: 'strips-forwarded-headers',
    description: 'The gateway removes Forwarded, X-Forwarded-For and X-Forwarded-Proto from requests before they reach the pods',
  },
  {
    name: 'read-only-tmp',
    description: 'The user container cannot write to its filesystem, /tmp included (Node permission model, no fs writes)',
  },
  {
    name: 'ignores-timeout',
    description: "The activator and the queue-proxy ignore the revision's timeoutSeconds (300 s instead)",
  },
  // Traffic.
  {
    name: 'canary-skew',
    description: 'Every traffic split is off by a few percentage points toward its first target',
    parameter: { name: 'skew', unit: 'percentage points', default: 5, min: 1, max: 50 },
  },
  {
    name: 'split-per-connection',
    description: 'The gateway chooses a traffic split target once per connection (hashing the connection), not per request',
  },
  {
    name: 'drops-on-reconfigure',
    description: "The gateway withdraws a host's routes while it reprograms them: requests in that window get 404",
    parameter: { name: 'window', unit: 'ms', default: 500, min: 50, max: 10_000 },
  },
  { name: 'tag-routes-to-latest', description: "A tag's URL routes to the latest revision instead of the tagged one" },
  {
    name: 'stale-traffic-split',
    description:
      "The gateway keeps serving a Route's previous traffic split for a while after status.traffic changes, while reporting the new one programmed (the Route goes Ready on it)",
    parameter: { name: 'lag', unit: 'ms', default: 3000, min: 100, max: 60_000 },
  },
  // Autoscaling.
  { name: 'never-scales-to-zero', description: 'The autoscaler never scales a revision below one pod' },
  { name: 'ignores-max-scale', description: 'The autoscaler ignores autoscaling.knative.dev/max-scale' },
  { name: 'ignores-min-scale', description: 'The autoscaler ignores autoscaling.knative.dev/min-scale' },
  { name: 'slow-scale-up', description: 'The autoscaler scales up by at most one pod per stable window' },
  { name: 'scales-down-early', description: 'The autoscaler scales down on the panic window: no stable-window delay after load drops' },
  // Cold start, the activator and the queue-proxy.
  // The default delay sits at the edge of the tolerance, not far past it: the reference's own cold start is
  // well under 2 s (0.1-1.8 s measured), so 15 s of delay puts a cold start at about 1.5x the harness's
  // default cold-start bound (settings.coldStartP95Seconds, 10 s). It stays under the default request
  // timeout (settings.requestTimeoutSeconds, 30 s): the requests are slow, they still succeed.
  {
    name: 'slow-cold-start',
    description:
      'Every pod start takes longer: the kubelet waits before starting containers (default 15 s: a cold start at about 1.5x the default 10 s cold-start bound)',
    parameter: { name: 'delay', unit: 'ms', default: 15_000, min: 100, max: 60_000 },
  },
  {
    name: 'no-activator',
    description: 'Requests for a revision at zero get 503 instead of waiting for a pod',
  },
  {
    name: 'ignores-container-concurrency',
    description: 'Neither the queue-proxy nor the activator enforces containerConcurrency',
  },
  // The mesh: identity and mTLS, authorization, traffic policy.
  { name: 'strict-accepts-plaintext', description: 'A workload under PeerAuthentication STRICT also accepts plaintext connections, as under PERMISSIVE' },
  { name: 'permissive-as-strict', description: 'PeerAuthentication PERMISSIVE refuses plaintext, as STRICT would' },
  { name: 'identity-not-forwarded', description: "Sidecars do not tell the workload its caller's identity (no x-forwarded-client-cert)" },
  { name: 'foreign-ca-trusted', description: 'Sidecars accept client certificates from any CA, not only the mesh\'s' },
  { name: 'certs-never-rotate', description: 'Workload certificates are issued once and never rotated: they expire' },
  { name: 'authz-ignored', description: 'AuthorizationPolicies are not enforced: sidecars have no RBAC filter' },
  { name: 'ignores-header-match', description: 'VirtualService header matches are dropped: such routes match every request' },
  {
    name: 'mesh-weights-skewed',
    description: 'VirtualService route weights move a number of percentage points of their total from the last destination to the first',
    parameter: { name: 'skew', unit: 'percentage points', default: 5, min: 0.1, max: 50 },
  },
  {
    name: 'fault-rate-off',
    description: 'Every VirtualService fault percentage (delay and abort) is lowered by a number of percentage points (not below 0)',
    parameter: { name: 'points', unit: 'percentage points', default: 10, min: 0.1, max: 100 },
  },
  { name: 'retries-ignored', description: 'VirtualService retries (and Istio\'s default retry policy) are not applied' },
  { name: 'timeout-ignored', description: 'VirtualService route timeouts are not applied' },
  { name: 'mirror-ignored', description: 'VirtualService mirroring sends no copies' },
  { name: 'no-overflow-limit', description: 'DestinationRule connection pool limits are not applied' },
  { name: 'no-ejection', description: 'DestinationRule outlier detection is not applied: failing endpoints stay in rotation' },
  { name: 'gateway-ignores-virtualservices', description: 'VirtualServices bound to Gateways are not served at the ingress gateway: their hosts get 404 there' },
] as const satisfies readonly Mutant[];

export type MutantName = (typeof MUTANTS)[number]['name'];

export function findMutant(name: string): Mutant | undefined {
  return MUTANTS.find((m) => m.name === name);
}

/** `NAME` or `NAME=VALUE`; an error message names what is wrong and what is valid. */
export function parseMutant(spec: string): { mutant: Mutant; value: number | undefined } | { error: string } {
  const [name = '', raw] = spec.split('=', 2);
  const mutant = findMutant(name);
  if (!mutant) return { error: `no such mutant ${name}; mutants: ${MUTANTS.map((m) => m.name).join(', ')}` };
  if (raw === undefined) return { mutant, value: undefined };
  const p = mutant.parameter;
  if (!p) return { error: `mutant ${name} takes no value` };
  const value = Number(raw);
  if (!Number.isFinite(value) || value < p.min || value > p.max) {
    return { error: `mutant ${name}: ${p.name} must be a number from ${p.min} to ${p.max} (${p.unit}), not ${raw}` };
  }
  return { mutant, value };
}
