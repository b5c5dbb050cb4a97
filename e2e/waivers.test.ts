// Waivers end to end, without the reference: `run()` runs a suite with planted failures
// (e2e/waivers/suites/planted/) against a fake Kubernetes API that answers only what a run asks of every
// target (its version, the run's namespace), with a waiver file; then results.json, junit.xml and the summary.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunReportSchema, formatSummary, parseConfig, run, type RunOutcome, type TargetProvider } from '../harness/index.ts';
import { readReport, tempDir } from './cli.ts';

const ROOT = fileURLToPath(new URL('./waivers/', import.meta.url));
const scratch = tempDir('waivers');
let api: Server;
let outcome: RunOutcome;
const progress: string[] = [];

/** A Kubernetes API that knows its version and creates namespaces; nothing else. */
async function fakeApi(): Promise<string> {
  api = createServer((req, res) => {
    const send = (code: number, body: unknown) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/version') return send(200, { major: '1', minor: '34', gitVersion: 'v1.34.0-fake', platform: 'linux/amd64' });
      if (req.method === 'POST' && req.url?.startsWith('/api/v1/namespaces')) return send(201, JSON.parse(body) as unknown);
      send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `the fake API has no ${req.method} ${req.url}`, code: 404 });
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  const kubeconfig = join(scratch.path, 'kubeconfig');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: fake',
    `clusters: [{name: fake, cluster: {server: "http://127.0.0.1:${(api.address() as AddressInfo).port}", insecure-skip-tls-verify: true}}]`,
    'contexts: [{name: fake, context: {cluster: fake, user: u}}]', 'users: [{name: u, user: {token: t}}]', '',
  ].join('\n'));
  return kubeconfig;
}

const WAIVERS = `# The planted suite's deviations, as a vendor would declare them.
waivers:
  - requirement: SERVING.PLANTED.PORT
    reason: Our runtime injects PORT through its sidecar (PLAT-1)
    expires: 2099-12-31
  - requirement: SERVING.PLANTED.*
    expectation: Forwarded says proto=http
    reason: TLS ends at the load balancer (PLAT-2)
    expires: 2099-12-31
  - requirement: SERVING.PLANTED.SCALE
    reason: an old deviation
    expires: 2020-01-01
  - requirement: SERVING.PLANTED.PASSES
    reason: fixed since
    expires: 2099-12-31
`;

beforeAll(async () => {
  const kubeconfig = await fakeApi();
  const target: TargetProvider = {
    kind: 'kubeconfig',
    preflight: () => Promise.resolve(),
    bringUp: () => Promise.resolve({ kind: 'kubeconfig', kubeconfig, context: null, versions: {}, startupMs: 0, disposable: true, stop: () => Promise.resolve() }),
  };
  const waivers = join(scratch.path, 'waivers.yaml');
  writeFileSync(waivers, WAIVERS);
  outcome = await run({
    root: ROOT, target, version: '0.0.0-test', showProgress: false, signal: new AbortController().signal,
    config: parseConfig('test', { target: 'kubeconfig', waivers, reportDir: join(scratch.path, 'reports') }),
    progress: (line) => progress.push(line),
  });
}, 120_000);

afterAll(() => {
  api.close();
  scratch.remove();
});

describe('a waiver file', () => {
  it('turns the planted failures into waived, each with its reason and the failure\'s kept; the run exits 0', () => {
    const { report } = readReport(join(scratch.path, 'reports'));
    expect(RunReportSchema.safeParse(report).success).toBe(true);
    expect(report.errors).toEqual([]);
    const byId = Object.fromEntries(report.requirements.map((r) => [r.id, r]));
    expect(byId['SERVING.PLANTED.PORT']).toMatchObject({
      verdict: 'waived',
      reason: 'the container has no PORT',
      waiver: { requirement: 'SERVING.PLANTED.PORT', reason: 'Our runtime injects PORT through its sidecar (PLAT-1)', expires: '2099-12-31' },
    });
    expect(byId['SERVING.PLANTED.PORT']?.waiver?.source).toMatch(/waivers\.yaml, entry 1$/);
    expect(byId['SERVING.PLANTED.HEADERS']).toMatchObject({
      verdict: 'waived',
      reason: 'Forwarded says proto=https',
      waiver: { expectation: 'Forwarded says proto=http', reason: 'TLS ends at the load balancer (PLAT-2)' },
    });
    expect(byId['SERVING.PLANTED.PASSES']?.verdict).toBe('pass');
    expect(byId['SERVING.PLANTED.SCALE']).toMatchObject({ verdict: 'pass', profile: 'operational' });
    expect(report.summary).toMatchObject({ total: 4, pass: 2, fail: 0, waived: 2 });
    expect(report.summary.profiles).toMatchObject({ conformance: { total: 3, waived: 2 }, operational: { total: 1, pass: 1 } });
    expect(report.exitCode).toBe(0);
    expect(outcome.report.exitCode).toBe(0);
  });

  it('lists every waiver with what became of it, and warns of the expired and the unused one', () => {
    const { report } = readReport(join(scratch.path, 'reports'));
    expect(report.waivers.map((w) => [w.requirement, w.status, w.waived])).toEqual([
      ['SERVING.PLANTED.PORT', 'applied', ['SERVING.PLANTED.PORT']],
      ['SERVING.PLANTED.*', 'applied', ['SERVING.PLANTED.HEADERS']],
      ['SERVING.PLANTED.SCALE', 'expired', []],
      ['SERVING.PLANTED.PASSES', 'unused', []],
    ]);
    expect(report.warnings).toEqual([
      expect.stringMatching(/waivers\.yaml, entry 3 \(SERVING\.PLANTED\.SCALE\): expired on 2020-01-01; renew its date or remove it$/),
      expect.stringMatching(/waivers\.yaml, entry 4 \(SERVING\.PLANTED\.PASSES\): unused: SERVING\.PLANTED\.PASSES passed: remove the waiver if the deviation is gone$/),
    ]);
    expect(progress).toContainEqual(expect.stringMatching(/^4 waiver\(s\) from .*waivers\.yaml$/));
  });

  it('shows a waived failure in junit.xml as skipped, "waived: <reason>", with the waiver in properties, and the profiles in suites apart', () => {
    const { dir } = readReport(join(scratch.path, 'reports'));
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toContain('<skipped message="waived: Our runtime injects PORT through its sidecar (PLAT-1)">failed: the container has no PORT');
    expect(junit).toContain('<property name="waiver.expectation" value="Forwarded says proto=http"/>');
    expect(junit).not.toContain('<failure');
    expect(junit).toMatch(/<testsuite name="conformance\.serving" tests="3" failures="0" errors="0" skipped="2"/);
    expect(junit).toMatch(/<testsuite name="operational\.serving" tests="1" failures="0" errors="0" skipped="0"/);
  });

  it('shows them in the summary: waived rows, the waivers, the warnings, the exit code that says so', () => {
    const summary = formatSummary(outcome.report, { color: false });
    expect(summary).toMatch(/^waived\s+MUST\s+SERVING\.PLANTED\.PORT\s+Our runtime injects PORT through its sidecar \(PLAT-1\); failed: the con…$/m);
    expect(summary).toMatch(/^ {4}\S*waivers\.yaml, entry 1\); failed: the container has no PORT$/m);
    expect(summary).toContain('waived failures (2; declared deviations, not passes: they never change the exit code):');
    expect(summary).toContain('warnings (2; they never change the exit code):');
    expect(summary).toContain('conformance: 3 requirements: 1 pass, 0 fail, 2 waived, 0 inconclusive, 0 not-applicable, 0 error');
    expect(summary).toContain('operational: 1 requirements: 1 pass, 0 fail, 0 waived, 0 inconclusive, 0 not-applicable, 0 error');
    expect(summary).toContain('exit 0: every MUST requirement passed or was waived (2 waived: a declared deviation, never a pass)');
  });
});
