import { execa } from 'execa';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireBinaries } from '../lib/tools/resolve.ts';
import { ROOT, gauntlet, readReport, tempDir } from './cli.ts';
import { alive, descendants } from '../lib/testing/processes.ts';

const scratch = tempDir('kubeconfig');
const up = execa(join(ROOT, 'bin', 'gauntlet'), ['reference', 'up'], { reject: false, env: { CI: 'true' }, stdin: 'ignore' });
afterAll(async () => {
  up.kill('SIGINT');
  await up;
  scratch.remove();
});

async function kubeconfigOf(): Promise<string> {
  for await (const line of createInterface({ input: up.stdout })) {
    const m = /^kubeconfig: (.+)$/.exec(String(line));
    if (m) return m[1]!;
  }
  throw new Error(`gauntlet reference up ended without printing its kubeconfig: ${(await up).all ?? ''}`);
}
const kubeconfig = kubeconfigOf();

describe('one suite code path for every target', () => {
  it('kubectl pointed at `gauntlet reference up` lists ksvc, pods and the CRDs', async () => {
    const { kubectl } = await requireBinaries(['kubectl']);
    const r = await execa(kubectl!, ['--kubeconfig', await kubeconfig, 'get', 'ksvc,pods,crds', '-A'], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toContain('services.serving.knative.dev');
    expect(r.stdout).toContain('virtualservices.networking.istio.io');
    const shortName = await execa(kubectl!, ['--kubeconfig', await kubeconfig, 'get', 'ksvc', '-A'], { reject: false, all: true });
    expect(shortName.exitCode, shortName.all).toBe(0);
  });

  it('`gauntlet run --target kubeconfig` against it passes the same requirement, and leaves its namespace deleted', async () => {
    const file = await kubeconfig;
    const reports = join(scratch.path, 'reports');
    const r = await gauntlet(['run', '--target', 'kubeconfig', '--kubeconfig', file, '--requirement', 'SERVING.READY.BASIC', '--report-dir', reports]);
    expect(r.exitCode, r.all).toBe(0);
    const { report } = readReport(reports);
    expect(report.target.kind).toBe('kubeconfig');
    expect(report.requirements.find((x) => x.id === 'SERVING.READY.BASIC')?.verdict).toBe('pass');
    const { kubectl } = await requireBinaries(['kubectl']);
    const ns = await execa(kubectl!, ['--kubeconfig', file, 'get', 'ns', '-l', 'app.kubernetes.io/managed-by=gauntlet', '-o', 'jsonpath={.items[*].status.phase}']);
    expect(ns.stdout.split(' ').filter((p) => p === 'Active')).toEqual([]);
  });

  it('Ctrl-C stops `gauntlet reference up` and everything it started', async () => {
    await kubeconfig;
    const started = descendants(up.pid!).filter((p) => p.pid !== up.pid);
    expect(started.some((p) => p.cmd.includes('kube-apiserver'))).toBe(true);
    up.kill('SIGINT');
    const r = await up;
    expect(r.exitCode, r.all).toBe(0);
    expect(started.filter((p) => alive(p.pid)).map((p) => p.cmd)).toEqual([]);
  });
});
