import { createServer, type Server } from 'node:http';
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../lib/errors.ts';
import { MissingToolsError } from '../../lib/tools/resolve.ts';
import { descendants } from '../../lib/testing/processes.ts';
import { tempDir } from '../../lib/testing/temp-dir.ts';
import { K6Error, runLoad } from './run-k6.ts';

let server: Server;
let url = '';
const out = tempDir('load');

beforeAll(async () => {
  let n = 0;
  let slow = 0;
  server = createServer((req, res) => {
    // Deterministic 3:1 split of a "revision" header; /slow fails every other request after 100 ms.
    if (req.url === '/slow') {
      slow += 1;
      const status = slow % 2 ? 503 : 200;
      return void setTimeout(() => res.writeHead(status).end(), 100);
    }
    n += 1;
    res.writeHead(200, { 'x-gauntlet-revision': n % 4 === 0 ? 'b' : 'a', 'x-host-seen': req.headers.host ?? '' }).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => {
  server.close();
  out.remove();
});

describe('runLoad with the real k6', () => {
  it('runs a constant arrival rate and returns a histogram, per-status and per-header counts and a series', async () => {
    const r = await runLoad(
      { name: 'steady', url: `${url}/`, host: 'hello.ns.example.com', executor: { type: 'constant-arrival-rate', rate: 100, durationSeconds: 3 }, countHeaders: ['x-gauntlet-revision', 'x-host-seen'] },
      { outDir: out.path },
    );
    expect(r.thresholdsPassed).toBe(true);
    expect(r.requests).toBeGreaterThanOrEqual(280);
    expect(r.requests).toBeLessThanOrEqual(302);
    expect(r.histogram.totalCount).toBe(r.requests);
    expect(r.statusCounts).toEqual({ 200: r.requests });
    const rev = r.headerCounts['x-gauntlet-revision']!;
    expect(rev.a! + rev.b!).toBe(r.requests);
    expect(rev.b! / r.requests).toBeCloseTo(0.25, 1);
    expect(r.headerCounts['x-host-seen']).toEqual({ 'hello.ns.example.com': r.requests });
    expect(r.series.reduce((s, x) => s + x.requests, 0)).toBe(r.requests);
    expect(r.droppedIterations).toBe(0);
    expect(statSync(r.files.records).size / r.requests).toBeLessThan(64);
  });

  it('attaches k6\'s web dashboard export when asked, without opening a port', async () => {
    const r = await runLoad({ name: 'dashboard', url: `${url}/`, executor: { type: 'constant-arrival-rate', rate: 20, durationSeconds: 2 }, dashboard: true }, { outDir: out.path });
    expect(r.files.dashboard).toBeDefined();
    expect(statSync(r.files.dashboard!).size).toBeGreaterThan(10_000);
  });

  it('reports failed thresholds as a verdict, not as a failure to run', async () => {
    const r = await runLoad(
      { name: 'thresholds', url: `${url}/slow`, executor: { type: 'per-vu-iterations', vus: 2, iterations: 5, maxDurationSeconds: 10 }, thresholds: { http_req_failed: ['rate<0.01'] } },
      { outDir: out.path },
    );
    expect(r.thresholdsPassed).toBe(false);
    expect(r.failedThresholds).toEqual(['http_req_failed: rate<0.01']);
    expect(r.statusCounts['503']).toBe(5);
  });

  it('stops k6 at once when aborted, leaving no k6 process', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 1000);
    // An hour-long load: that the call returns at all (within the test's timeout) shows the abort stopped k6.
    const err = await runLoad({ name: 'aborted', url: `${url}/`, executor: { type: 'constant-vus', vus: 2, durationSeconds: 3600 } }, { outDir: out.path, signal: abort.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(K6Error);
    expect(descendants(process.pid).filter((p) => p.cmd.includes('k6 run'))).toEqual([]);
  });

  it('refuses a bad spec naming the field', async () => {
    const err = await runLoad({ name: 'bad', url: `${url}/`, executor: { type: 'constant-arrival-rate', rate: -1, durationSeconds: 1 } }, { outDir: out.path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain('executor.rate');
  });

  it('says how to get k6 when it is missing', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { GAUNTLET_CACHE_DIR: `${out.path}/no-cache`, PATH: '/nonexistent' });
    delete process.env.GAUNTLET_K6;
    try {
      const err = await runLoad({ name: 'nok6', url: `${url}/`, executor: { type: 'constant-vus', vus: 1, durationSeconds: 1 } }, { outDir: out.path }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MissingToolsError);
      expect((err as Error).message).toContain('npx gauntlet setup');
    } finally {
      process.env = saved;
    }
  });
});
