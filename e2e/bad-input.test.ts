import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gauntlet, tempDir } from './cli.ts';

const scratch = tempDir('bad-input');
afterAll(() => scratch.remove());

/** Bad input exits 2 with one line that names what was wrong and what is valid; no stack trace. */
async function refused(args: string[], mentions: RegExp[]) {
  const r = await gauntlet(args);
  expect(r.exitCode, r.all).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  for (const m of mentions) expect(r.stderr).toMatch(m);
}

describe('bad input', () => {
  it('an unknown target', () => refused(['run', '--target', 'nonsense'], [/nonsense/, /reference, kind, kubeconfig/]));
  it('an unknown suite', () => refused(['run', '--suite', 'nope'], [/--suite nope/, /serving\/ready-basic/]));
  it('an unknown requirement', () => refused(['run', '--requirement', 'NOPE.X'], [/NOPE\.X/, /gauntlet requirements/]));
  it('an unknown mutant', () => refused(['run', '--mutant', 'nope'], [/--mutant nope/, /never-ready/]));
  it('an unknown level', () => refused(['run', '--level', 'OFTEN'], [/OFTEN/, /MUST, SHOULD, MAY/]));
  it('a number of workers that is not a whole number of 1 or more', () => refused(['run', '--workers', '0'], [/--workers/, /whole number of 1 or more/]));
  it('a missing kubeconfig', () => refused(['run', '--kubeconfig', join(scratch.path, 'none')], [/no such file/]));
  it('a malformed kubeconfig', () => {
    const file = join(scratch.path, 'bad.kubeconfig');
    writeFileSync(file, 'clusters: [oops\n');
    return refused(['run', '--kubeconfig', file], [/bad\.kubeconfig/, /not a valid kubeconfig/]);
  });
  it('a kubeconfig context that does not exist', () => {
    const file = join(scratch.path, 'one.kubeconfig');
    writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: ctx, context: {cluster: c, user: u}}]\ncurrent-context: ctx\n');
    return refused(['run', '--kubeconfig', file, '--context', 'other'], [/no context "other"/, /ctx/]);
  });
  it('a malformed config file names the field', () => {
    const file = join(scratch.path, 'gauntlet.config.ts');
    writeFileSync(file, 'export default { settings: { readyTimeoutSeconds: "soon" } };\n');
    return refused(['run', '--config', file], [/settings\.readyTimeoutSeconds/, /gauntlet\.config\.ts/]);
  });
  it('an unknown profile', () => refused(['run', '--profile', 'both'], [/both/, /conformance, operational/]));
  it('a malformed waiver file names the file, the entry, the field and the fix', () => {
    const file = join(scratch.path, 'waivers.yaml');
    writeFileSync(file, 'waivers:\n  - requirement: SERVING.READY.BASIC\n    reason: a known deviation\n    expires: next year\n');
    return refused(['run', '--waivers', file], [/waivers\.yaml: entry 1 \(SERVING\.READY\.BASIC\): expires: "next year" is not a date/, /YYYY-MM-DD/]);
  });
  it('a waiver file that does not exist', () => refused(['run', '--waivers', join(scratch.path, 'none.yaml')], [/waivers .*none\.yaml: no such file/]));
  it('a mutant on a cluster target', () => refused(['run', '--mutant', 'never-ready', '--target', 'kind'], [/--mutant needs --target reference/]));
});

describe('missing tools', () => {
  const env = { GAUNTLET_CACHE_DIR: join(scratch.path, 'no-cache'), PATH: '/usr/bin:/bin' };

  it('`gauntlet doctor` lists what is missing and how to get it, exit 2', async () => {
    const r = await gauntlet(['doctor'], { env });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/missing\s+kube-apiserver\s+1\.34\.\d+/);
    expect(r.stdout).toContain('npx gauntlet setup');
    expect(r.stdout).toContain('GAUNTLET_KUBE_APISERVER');
  });

  it('`gauntlet run` stops with exit 2 and that advice, not a stack trace', async () => {
    const r = await gauntlet(['run', '--report-dir', join(scratch.path, 'reports')], { env });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toContain('npx gauntlet setup');
    expect(r.all).not.toMatch(/\n\s+at /);
  });
});
