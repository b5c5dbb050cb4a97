import type { Executor, ResolvedLoadSpec } from './spec.ts';

/** What fixtures/k6/http.js reads (GAUNTLET_LOAD_CONFIG): the scenario in k6's own option names. */
export interface K6ScriptConfig {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  tags: Record<string, string>;
  countHeaders: string[];
  timeout: string;
  scenario: Record<string, unknown>;
  thresholds: Record<string, string[]>;
  noConnectionReuse: boolean;
  summaryPath: string;
}

const s = (seconds: number) => `${seconds}s`;

/** Go's canonical header key (k6 reports response headers so): `x-gauntlet-revision` -> `X-Gauntlet-Revision`. */
export function canonicalHeader(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('-');
}

/** VUs an arrival-rate executor starts with: enough for `rate` at ~20 ms each, and headroom to 10x. */
function vusFor(rate: number, pre?: number, max?: number): { preAllocatedVUs: number; maxVUs: number } {
  const preAllocatedVUs = pre ?? Math.max(5, Math.ceil(rate / 50));
  return { preAllocatedVUs, maxVUs: max ?? Math.max(preAllocatedVUs, Math.ceil(rate / 5)) };
}

export function k6Scenario(e: Executor): Record<string, unknown> {
  switch (e.type) {
    case 'constant-arrival-rate':
      return { executor: e.type, rate: e.rate, timeUnit: '1s', duration: s(e.durationSeconds), ...vusFor(e.rate, e.preAllocatedVUs, e.maxVUs) };
    case 'ramping-arrival-rate': {
      const peak = Math.max(e.startRate, ...e.stages.map((x) => x.target));
      return {
        executor: e.type, startRate: e.startRate, timeUnit: '1s',
        stages: e.stages.map((x) => ({ target: x.target, duration: s(x.durationSeconds) })),
        ...vusFor(peak, e.preAllocatedVUs, e.maxVUs),
      };
    }
    case 'constant-vus':
      return { executor: e.type, vus: e.vus, duration: s(e.durationSeconds) };
    case 'per-vu-iterations':
      return { executor: e.type, vus: e.vus, iterations: e.iterations, maxDuration: s(e.maxDurationSeconds) };
  }
}

export function k6ScriptConfig(spec: ResolvedLoadSpec, summaryPath: string): K6ScriptConfig {
  return {
    url: spec.url,
    method: spec.method,
    headers: { ...spec.headers, ...(spec.host ? { Host: spec.host } : {}) },
    body: spec.body ?? null,
    tags: spec.tags,
    countHeaders: spec.countHeaders.map(canonicalHeader),
    timeout: s(spec.requestTimeoutSeconds),
    scenario: k6Scenario(spec.executor),
    thresholds: spec.thresholds,
    noConnectionReuse: spec.freshConnections,
    summaryPath,
  };
}
