import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { unreachableKubeconfig } from '../../lib/testing/kubeconfig.ts';
import { runSuites } from './run-suites.ts';
import { readJournal } from './testing/journal.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`testing/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gauntlet-run-suites-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runSuites', () => {
  it('runs files side by side, exclusive phases alone across threads, light loads never beside them; a load outside both is an error', async () => {
    const kubeconfig = unreachableKubeconfig(dir);
    const ids = ['FIXTURE.EXCLUSIVE-A', 'FIXTURE.EXCLUSIVE-B', 'FIXTURE.EXCLUSIVE-C'];
    const light = ['FIXTURE.LIGHT-A', 'FIXTURE.LIGHT-B'];
    const { results, errors } = await runSuites({
      root,
      files: ['exclusive-a.spec.ts', 'light-a.spec.ts', 'beside.spec.ts', 'light-b.spec.ts', 'exclusive-b.spec.ts', 'exclusive-c.spec.ts'].map(fixture),
      context: {
        kubeconfig, context: null, namespace: 'fixture', reportDir: dir, targetLock: `gauntlet:test-${process.pid}:target`,
        selected: [...ids, ...light, 'FIXTURE.BESIDE', 'FIXTURE.LOAD-OUTSIDE'],
        settings: { readyTimeoutSeconds: 1, requestTimeoutSeconds: 1, coldStartP95Seconds: 1, gateway: { namespace: 'x', name: 'x', portName: 'http' } },
        showProgress: false,
      },
      progress: () => undefined,
    });
    const verdicts = Object.fromEntries(results.map((r) => [r.id, r.verdict]));
    expect(verdicts).toEqual({ ...Object.fromEntries([...ids, ...light].map((id) => [id, 'pass'])), 'FIXTURE.BESIDE': 'pass', 'FIXTURE.LOAD-OUTSIDE': 'error' });
    expect(results.find((r) => r.id === 'FIXTURE.LOAD-OUTSIDE')?.reason).toContain('started the k6 load outside outside ctx.exclusive or ctx.lightLoad');
    expect(errors).toEqual([]);

    const journal = readJournal(dir).filter((l) => !l.startsWith('beside'));
    expect(journal).toHaveLength(10);
    expect(new Set(journal.filter((l) => l.startsWith('enter')))).toEqual(new Set([...ids, ...light].map((id) => `enter ${id}`)));
    // An exclusive phase's exit follows its own enter: no other phase began in between.
    journal.forEach((l, i) => {
      if (ids.some((id) => l === `enter ${id}`)) expect(journal[i + 1]).toBe(l.replace('enter', 'exit'));
    });
    // No exclusive phase began during a light one.
    for (const id of light) {
      const during = journal.slice(journal.indexOf(`enter ${id}`), journal.indexOf(`exit ${id}`));
      expect(during.filter((l) => l.startsWith('enter FIXTURE.EXCLUSIVE'))).toEqual([]);
    }
    // The requirement that does not hold the target ran while a phase did.
    const all = readJournal(dir);
    const beside = all.indexOf('beside FIXTURE.BESIDE');
    const before = all.slice(0, beside).filter((l) => !l.startsWith('beside'));
    expect(before.length % 2).toBe(1);
  });
});
