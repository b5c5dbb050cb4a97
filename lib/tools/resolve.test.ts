import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MissingToolsError, requireBinaries, resolveBinary } from './resolve.ts';
import { findTool } from './pinned.ts';
import { withLock } from './lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'gauntlet-tools-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

/** A stand-in binary that prints a version, as `etcd --version` does. */
function fakeEtcd(path: string, version: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\necho "etcd Version: ${version}"\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('tool resolution', () => {
  it('takes a binary named by its environment variable when its version is the pinned one', async () => {
    process.env.GAUNTLET_CACHE_DIR = join(dir, 'empty-cache');
    process.env.GAUNTLET_ETCD = fakeEtcd(join(dir, 'env', 'etcd'), findTool('etcd')!.version);
    const s = await resolveBinary('etcd');
    expect(s.found && s.source).toBe('env');
  });

  it('refuses a binary of another version, saying which version it found', async () => {
    process.env.GAUNTLET_CACHE_DIR = join(dir, 'empty-cache');
    process.env.PATH = '/usr/bin:/bin';
    process.env.GAUNTLET_ETCD = fakeEtcd(join(dir, 'old', 'etcd'), '3.4.23');
    const s = await resolveBinary('etcd');
    expect(s.found).toBe(false);
    expect(!s.found && s.problem).toContain('is version 3.4.23, not');
  });

  it('finds the version-keyed cache', async () => {
    const cache = join(dir, 'cache');
    process.env.GAUNTLET_CACHE_DIR = cache;
    delete process.env.GAUNTLET_ETCD;
    fakeEtcd(join(cache, 'tools', 'etcd', findTool('etcd')!.version, 'bin', 'etcd'), findTool('etcd')!.version);
    const s = await resolveBinary('etcd');
    expect(s.found && s.source).toBe('cache');
  });

  it('a missing tool is a MissingToolsError that says how to get it', async () => {
    process.env.GAUNTLET_CACHE_DIR = join(dir, 'empty-cache');
    process.env.PATH = '/nonexistent';
    delete process.env.GAUNTLET_ETCD;
    const err = await requireBinaries(['etcd']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingToolsError);
    expect((err as Error).message).toMatch(/etcd 3\.6\.\d+.*npx gauntlet setup/);
  });
});

describe('the setup lock', () => {
  it('runs one holder at a time and takes over a lock whose owner died', async () => {
    const lock = join(dir, 'tool.lock');
    const order: string[] = [];
    const waited: number[] = [];
    const first = withLock(lock, (pid) => waited.push(pid), async () => {
      order.push('first in');
      await new Promise((r) => setTimeout(r, 300));
      order.push('first out');
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = withLock(lock, (pid) => waited.push(pid), () => Promise.resolve(order.push('second')));
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second']);
    expect(waited).toEqual([process.pid]);

    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), '2147483646');
    expect(await withLock(lock, () => undefined, () => Promise.resolve('taken over'))).toBe('taken over');
  });
});
