// Builders for unit tests of harness/report; not used at run time.
import type { RequirementResult } from '../../requirements/types.ts';
import { countVerdicts } from '../counts.ts';
import { exitCodeFor } from '../exit-code.ts';
import type { RunReport } from '../schema.ts';

export function result(overrides: Partial<RequirementResult> = {}): RequirementResult {
  return {
    id: 'SERVING.SCALE.TO-ZERO',
    level: 'MUST',
    layer: 'serving',
    profile: 'conformance',
    title: 'A Revision with no traffic scales to zero',
    upstream: 'Knative Serving runtime contract, Autoscaling',
    verdict: 'pass',
    reason: 'scaled to zero after 62 s',
    // In the order results.json keeps (the schema's), so that a parsed report equals the one built here.
    ...(overrides.waiver ? { waiver: overrides.waiver } : {}),
    evidence: { expectations: [], observations: [], resources: [], artifacts: [], notes: [] },
    startedAt: '2025-06-01T10:00:01.000Z',
    durationMs: 1500,
    ...overrides,
  };
}

/** A consistent report: summary and exit code follow from the results and errors. */
export function report(requirements: RequirementResult[], errors: string[] = [], more: Pick<Partial<RunReport>, 'waivers' | 'warnings'> = {}): RunReport {
  return {
    schemaVersion: 3,
    runId: '20250601-100000-abc123',
    gauntletVersion: '0.1.0',
    target: {
      kind: 'reference',
      server: 'https://127.0.0.1:6443',
      versions: { kubernetes: 'v1.33.1', 'knative-serving': 'v1.18.0' },
      facts: { 'serving/config-autoscaler': { 'stable-window': '6s', 'scale-to-zero-grace-period': '3s' } },
    },
    selection: { suites: ['serving'], requirements: [], level: null, profile: null, mutant: null },
    startedAt: '2025-06-01T10:00:00.000Z',
    endedAt: '2025-06-01T10:01:00.000Z',
    durationMs: 60000,
    exitCode: exitCodeFor(requirements, errors),
    summary: countVerdicts(requirements),
    requirements,
    waivers: more.waivers ?? [],
    warnings: more.warnings ?? [],
    errors,
  };
}

/** The waiver of SERVING.RUNTIME.HEADERS in mixedReport, as a waiver file declares it. */
export const HEADERS_WAIVER = {
  requirement: 'SERVING.RUNTIME.*',
  reason: 'The edge proxy rewrites X-Forwarded-For (PLAT-1234)',
  expires: '2099-12-31',
  source: 'waivers.yaml, entry 1',
} as const;

/** One result of each verdict, with evidence on the failure; one of them operational, one waived. */
export function mixedReport(): RunReport {
  const waiver = { ...HEADERS_WAIVER, status: 'applied' as const, waived: ['SERVING.RUNTIME.HEADERS'] };
  return report([
    result({
      reason: 'every MUST held; not met: SHOULD scales to zero within the grace period',
      evidence: {
        expectations: [
          { level: 'MUST', claim: 'scales to zero', held: true },
          { level: 'SHOULD', claim: 'scales to zero within the grace period', held: false, detail: 'took 41 s' },
        ],
        observations: [], resources: [], artifacts: [], notes: [],
      },
    }),
    result({
      id: 'MESH.ROUTE.WEIGHTED',
      layer: 'mesh',
      title: 'Weighted routing splits traffic by weight',
      upstream: 'Istio VirtualService, HTTPRouteDestination.weight',
      verdict: 'fail',
      reason: 'canary share 0.31 outside [0.17, 0.23]',
      evidence: {
        expectations: [{ level: 'MUST', claim: 'the canary gets 20% of requests', held: false, detail: 'canary share 0.31' }],
        observations: [{ name: 'canary share', value: 0.31, unit: 'ratio', bound: 'in [0.17, 0.23]' }],
        sampleSize: 2000,
        confidence: 0.99,
        resources: ['VirtualService/gauntlet/canary'],
        artifacts: ['k6/weighted.json'],
        notes: ['Wilson interval'],
      },
    }),
    result({ id: 'SERVING.SCALE.BURST', level: 'SHOULD', profile: 'operational', verdict: 'inconclusive', reason: 'too few samples' }),
    result({
      id: 'SERVING.RUNTIME.HEADERS',
      title: 'Requests carry the forwarded headers',
      upstream: 'Knative runtime contract, Inbound network connectivity',
      verdict: 'waived',
      reason: 'the container gets no X-Forwarded-For',
      waiver: { ...HEADERS_WAIVER },
      evidence: {
        expectations: [{ level: 'MUST', claim: 'the container gets X-Forwarded-For', held: false, detail: 'the container gets no X-Forwarded-For' }],
        observations: [], resources: [], artifacts: [], notes: [],
      },
    }),
    result({ id: 'CHAOS.POD.KILL', layer: 'chaos', verdict: 'not-applicable', reason: 'Chaos Mesh not installed' }),
    result({ id: 'EVENTING.DLQ', layer: 'eventing', verdict: 'error', reason: 'Broker create refused: 403' }),
  ], [], { waivers: [waiver], warnings: ['waiver waivers.yaml, entry 2 (MESH.TIMEOUT): expired on 2020-01-01; renew its date or remove it'] });
}
