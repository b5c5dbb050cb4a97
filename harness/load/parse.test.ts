import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordAggregator, parseSummary } from './parse.ts';

const testdata = (f: string) => readFileSync(join(import.meta.dirname, 'testdata', f), 'utf8');

describe('request records', () => {
  it('folds a recorded k6 console output into counts, a histogram and a series', () => {
    const a = new RecordAggregator(['x-gauntlet-revision']);
    for (const line of testdata('requests.jsonl').split('\n')) a.addLine(line);
    expect(a.requests).toBe(40);
    expect(a.histogram.totalCount).toBe(40);
    expect(a.statusCounts).toEqual({ 200: 40 });
    const counts = a.headerCounts['x-gauntlet-revision']!;
    expect(Object.values(counts).reduce((s, n) => s + n, 0)).toBe(40);
    expect(a.series().reduce((s, x) => s + x.requests, 0)).toBe(40);
    a.release();
  });

  it('ignores lines that are not records, counts missing headers and errors', () => {
    const a = new RecordAggregator(['x-a']);
    a.addLine('time="2026" level=warning msg="not a record"');
    a.addLine('[1000, 2.5, 200, "v1"]');
    a.addLine('[1500, 4.0, 0, null]');
    a.addLine('[2100, 1.0, 503, "v1"]');
    a.addLine('[2200, broken');
    expect(a.requests).toBe(3);
    expect(a.headerCounts['x-a']).toEqual({ v1: 2, '(none)': 1 });
    expect(a.statusCounts).toEqual({ 0: 1, 200: 1, 503: 1 });
    // HDR histograms keep 3 significant digits.
    expect(a.series().map((x) => ({ ...x, p99Ms: Number(x.p99Ms.toFixed(2)) }))).toEqual([
      { second: 0, requests: 2, errors: 1, p99Ms: 4 },
      { second: 1, requests: 1, errors: 1, p99Ms: 1 },
    ]);
    expect(a.latency().count).toBe(3);
    expect(a.latency().maxMs).toBeCloseTo(4, 2);
    expect(a.spanSeconds()).toBeCloseTo(1.1);
    a.release();
  });
});

describe('k6 summary', () => {
  it('reads a passing run', () => {
    expect(parseSummary(testdata('summary-pass.json'))).toMatchObject({ droppedIterations: 0, failedThresholds: [], httpReqs: 2501 });
  });

  it('reads failed thresholds and dropped iterations', () => {
    const s = parseSummary(testdata('summary-thresholds-failed.json'));
    expect(s.failedThresholds).toEqual(['http_req_failed: rate<0.01']);
    expect(s.droppedIterations).toBe(81);
    expect(s.testRunSeconds).toBeGreaterThan(2);
  });
});
