import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { podLocalAddress, reservePodNetwork } from './pod-network.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gauntlet-net-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that is certainly dead: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid;
}

describe('reservePodNetwork', () => {
  it('takes the first free block and holds it with a lock file naming this process', () => {
    const net = reservePodNetwork(dir);
    expect(net.prefix).toBe('127.16');
    expect(readFileSync(join(dir, 'net-127.16.lock'), 'utf8').trim()).toBe(String(process.pid));
    net.close();
    expect(existsSync(join(dir, 'net-127.16.lock'))).toBe(false);
  });

  it('skips a block held by a live process, also by this one', () => {
    const first = reservePodNetwork(dir);
    const second = reservePodNetwork(dir);
    expect(second.prefix).toBe('127.17');
    first.close();
    second.close();
  });

  it('takes over a stale lock whose pid is dead', () => {
    writeFileSync(join(dir, 'net-127.16.lock'), `${deadPid()}\n`);
    const net = reservePodNetwork(dir);
    expect(net.prefix).toBe('127.16');
    expect(readFileSync(join(dir, 'net-127.16.lock'), 'utf8').trim()).toBe(String(process.pid));
    net.close();
  });

  it('treats an empty lock as being written unless it is old', () => {
    const lock = join(dir, 'net-127.16.lock');
    writeFileSync(lock, '');
    const a = reservePodNetwork(dir);
    expect(a.prefix).toBe('127.17');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const b = reservePodNetwork(dir);
    expect(b.prefix).toBe('127.16');
    a.close();
    b.close();
  });

  it('fails with a clear message when every block is held', () => {
    const net = reservePodNetwork(dir, { candidates: [40] });
    expect(() => reservePodNetwork(dir, { candidates: [40] })).toThrow(/no free pod network.*net-|held by a live process/);
    net.close();
  });

  it('hands out infrastructure addresses in 127.A.0.n', () => {
    const net = reservePodNetwork(dir);
    expect(net.infraAddress(1)).toBe('127.16.0.1');
    expect(() => net.infraAddress(0)).toThrow();
    expect(() => net.infraAddress(255)).toThrow();
    net.close();
  });
});

describe('pod address allocation', () => {
  it('allocates from 127.A.1.1 upward, distinct, skipping .0 and .255', () => {
    const net = reservePodNetwork(dir);
    const ips = Array.from({ length: 300 }, () => net.allocate());
    expect(ips[0]).toBe('127.16.1.1');
    expect(ips[253]).toBe('127.16.1.254');
    expect(ips[254]).toBe('127.16.2.1');
    expect(new Set(ips).size).toBe(300);
    net.close();
  });

  it('never reuses an address still held, and reuses released ones only after the rest', () => {
    const net = reservePodNetwork(dir);
    const a = net.allocate();
    const b = net.allocate();
    net.release(a);
    const c = net.allocate();
    expect([a, b]).not.toContain(c);
    net.close();
  });

  it('wraps around to released addresses when the block is used up', () => {
    const net = reservePodNetwork(dir);
    const all = Array.from({ length: 127 * 254 }, () => net.allocate());
    expect(() => net.allocate()).toThrow(/exhausted/);
    net.release(all[42]!);
    expect(net.allocate()).toBe(all[42]);
    net.close();
  });

  it('ignores releases of addresses outside its block', () => {
    const net = reservePodNetwork(dir);
    net.release('10.0.0.1');
    net.release('127.99.1.1');
    expect(net.allocate()).toBe('127.16.1.1');
    net.close();
  });
});

describe('podLocalAddress', () => {
  it('maps a pod address to its twin in the upper half, distinct from every pod address', () => {
    expect(podLocalAddress('127.16.1.1')).toBe('127.16.128.1');
    expect(podLocalAddress('127.16.127.254')).toBe('127.16.254.254');
  });

  it('refuses addresses that are not pod addresses', () => {
    expect(() => podLocalAddress('127.16.0.1')).toThrow(/not a pod address/);
    expect(() => podLocalAddress('127.16.128.1')).toThrow(/not a pod address/);
    expect(() => podLocalAddress('10.0.0.1')).toThrow(/not a pod address/);
  });
});
