import { execa } from 'execa';
import { connect } from 'node:net';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, readReport, tempDir } from './cli.ts';
import { alive, descendants, listeningPorts, type Proc } from '../lib/testing/processes.ts';
import { eventually } from '../lib/testing/eventually.ts';

const scratch = tempDir('no-leaks');
afterAll(() => scratch.remove());

function refused(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

/** Starts a run, waits until the reference runs a pod (mid-requirement), then kills the CLI with `signal`. */
async function killMidRun(signal: 'SIGINT' | 'SIGKILL') {
  const run = execa(join(ROOT, 'bin', 'gauntlet'), ['run', '--report-dir', join(scratch.path, signal)], {
    reject: false, env: { CI: 'true' },
  });
  const pid = run.pid!;
  const tree = await eventually(
    'a pod process of the run',
    () => {
      const procs = descendants(pid);
      return procs.some((p) => p.cmd.includes('probe/main.ts')) ? procs : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 100 },
  );
  const started: Proc[] = tree.filter((p) => p.pid !== pid);
  const ports = listeningPorts(tree.map((p) => p.pid));
  expect(started.map((p) => p.cmd).join('\n')).toMatch(/kube-apiserver[\s\S]*etcd|etcd[\s\S]*kube-apiserver/);
  expect(ports.length).toBeGreaterThan(2);
  run.kill(signal);
  const ended = await run;
  if (signal === 'SIGINT') {
    // An interrupted run still reports: exit 130 and a results.json that says it was interrupted.
    expect(ended.exitCode).toBe(130);
    const { report } = readReport(join(scratch.path, signal));
    expect(report.errors).toContain('the run was interrupted');
  }
  await eventually('every process of the run to exit', () => (started.every((p) => !alive(p.pid)) ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 }).catch(() => undefined);
  const survivors = started.filter((p) => alive(p.pid)).map((p) => `${p.pid} ${p.cmd}`);
  expect(survivors).toEqual([]);
  for (const p of ports) expect(await refused(p.address, p.port), `${p.address}:${p.port} still accepts`).toBe(true);
  const reference = started.find((p) => p.cmd.includes('reference/main.ts'));
  expect(reference).toBeDefined();
  expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`gauntlet-reference-${reference!.pid}-`))).toEqual([]);
}

describe('nothing outlives a run', () => {
  it('SIGINT mid-run stops the control plane, the pods and the reference, and frees their ports', () => killMidRun('SIGINT'));
  it('SIGKILL of the CLI mid-run still ends every process it started', () => killMidRun('SIGKILL'));
});
