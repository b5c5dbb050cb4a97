import { describe, expect, it } from 'vitest';
import { LoadSpecSchema, plannedRequests, plannedSeconds, type Executor } from './spec.ts';
import { canonicalHeader, k6Scenario, k6ScriptConfig } from './k6-config.ts';

const base = { name: 'split', url: 'http://127.0.0.1:8080/', executor: { type: 'constant-arrival-rate', rate: 500, durationSeconds: 30 } } as const;

describe('load spec', () => {
  it('accepts a plain spec and fills defaults', () => {
    const s = LoadSpecSchema.parse(base);
    expect(s.method).toBe('GET');
    expect(s.freshConnections).toBe(false);
    expect(s.countHeaders).toEqual([]);
  });

  it.each([
    [{ ...base, name: 'Bad Name' }, 'name'],
    [{ ...base, url: 'https://x/' }, 'url'],
    [{ ...base, executor: { type: 'constant-arrival-rate', rate: 0, durationSeconds: 1 } }, 'executor.rate'],
    [{ ...base, executor: { type: 'ramping-arrival-rate', startRate: 0, stages: [] } }, 'executor.stages'],
    [{ ...base, executor: { type: 'shared-iterations', vus: 1 } }, 'executor.type'],
    [{ ...base, countHeaders: ['bad header'] }, 'countHeaders.0'],
    [{ ...base, durationSeconds: 5 }, ''],
  ])('refuses %j naming %s', (spec, path) => {
    const r = LoadSpecSchema.safeParse(spec);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path.join('.')).toBe(path);
  });

  it('plans seconds and requests per executor', () => {
    expect(plannedSeconds(base.executor)).toBe(30);
    expect(plannedRequests(base.executor)).toBe(15_000);
    const ramp: Executor = { type: 'ramping-arrival-rate', startRate: 0, stages: [{ target: 100, durationSeconds: 10 }, { target: 100, durationSeconds: 10 }] };
    expect(plannedSeconds(ramp)).toBe(20);
    expect(plannedRequests(ramp)).toBe(1500);
    expect(plannedRequests({ type: 'constant-vus', vus: 3, durationSeconds: 5 })).toBeUndefined();
  });
});

describe('k6 configuration as data', () => {
  it('passes durations inside the scenario, never as --duration', () => {
    expect(k6Scenario(base.executor)).toMatchObject({ executor: 'constant-arrival-rate', rate: 500, timeUnit: '1s', duration: '30s' });
  });

  it('sizes VUs for the rate unless told', () => {
    expect(k6Scenario(base.executor)).toMatchObject({ preAllocatedVUs: 10, maxVUs: 100 });
    expect(k6Scenario({ ...base.executor, preAllocatedVUs: 3, maxVUs: 4 })).toMatchObject({ preAllocatedVUs: 3, maxVUs: 4 });
  });

  it('sends the Host header and canonical header names to the script', () => {
    const c = k6ScriptConfig(LoadSpecSchema.parse({ ...base, host: 'hello.ns.example.com', countHeaders: ['x-gauntlet-revision'] }), '/tmp/s.json');
    expect(c.headers).toEqual({ Host: 'hello.ns.example.com' });
    expect(c.countHeaders).toEqual(['X-Gauntlet-Revision']);
    expect(canonicalHeader('content-TYPE')).toBe('Content-Type');
  });
});
