import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { proxyFiles } from '../layout.ts';
import { createMeshCa, type MeshCa } from './ca.ts';
import { CertificateRotator, rotationDelayMs, type IssuedEvent, type RotatorOptions } from './rotation.ts';

let ca: MeshCa;
const dir = mkdtempSync(join(tmpdir(), 'gauntlet-rotation-'));
const rotators: CertificateRotator[] = [];

beforeAll(async () => {
  ca = await createMeshCa({ trustDomain: 'cluster.local' });
});
afterAll(() => {
  for (const r of rotators) r.close();
  rmSync(dir, { recursive: true, force: true });
});

function rotator(opts: Partial<RotatorOptions> = {}): { rotator: CertificateRotator; events: IssuedEvent[]; errors: Error[] } {
  const events: IssuedEvent[] = [];
  const errors: Error[] = [];
  const r = new CertificateRotator({ ca, onIssued: (e) => events.push(e), onError: (_w, e) => errors.push(e), ...opts });
  rotators.push(r);
  return { rotator: r, events, errors };
}

let pods = 0;
function workload(serviceAccount = 'web') {
  const pod = `pod-${++pods}`;
  return { namespace: 'demo', pod, serviceAccount, files: proxyFiles(dir, 'demo', pod) };
}

/** The serial of the certificate in the proxy's `default` secret file. */
function servedSerial(w: ReturnType<typeof workload>): string {
  const file = JSON.parse(readFileSync(w.files.certSecret, 'utf8')) as { resources: { tls_certificate: { certificate_chain: { inline_string: string } } }[] };
  return new X509Certificate(file.resources[0]!.tls_certificate.certificate_chain.inline_string).serialNumber;
}

describe('rotationDelayMs', () => {
  const cert = { issuedAt: new Date(10_000), notAfter: new Date(20_000) };
  it('is the fraction of the lifetime counted from the issue, less the time gone by', () => {
    expect(rotationDelayMs(cert, 0.5, 10_000)).toBe(5000);
    expect(rotationDelayMs(cert, 0.8, 12_000)).toBe(6000);
    expect(rotationDelayMs(cert, 0.5, 16_000)).toBe(0);
  });
});

describe('the certificate rotator, on a fake clock', () => {
  // When a rotation happens is the behaviour under test: a fake clock makes it exact, however busy the machine.
  it('re-issues each time the fraction of the lifetime has passed, never earlier, before the certificate runs out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_700_000_000_000 });
    try {
      const { rotator: r, events } = rotator({ rotateAtFraction: 0.5 });
      const w = { ...workload(), lifetimeMs: 1000 };
      await r.register(w);
      /** Signing takes real time, not the fake clock's: wait for it without moving the clock. */
      const issued = async (n: number) => {
        for (let spins = 0; events.length < n; spins++) {
          if (spins > 1_000_000) throw new Error(`certificate ${n} was not issued`);
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      for (const n of [2, 3]) {
        const current = events.at(-1)!;
        // Half of its lifetime from its issue (X.509 times are whole seconds: the lifetime is 1 s or a little more).
        const due = 0.5 * (current.notAfter.getTime() - current.issuedAt.getTime());
        expect(rotationDelayMs(current, 0.5)).toBe(due);
        await vi.advanceTimersByTimeAsync(due - 1);
        expect(events).toHaveLength(n - 1); // not before
        await vi.advanceTimersByTimeAsync(1);
        await issued(n); // at
        expect(events[n - 1]!.issuedAt.getTime()).toBe(current.issuedAt.getTime() + due);
      }
      r.unregister('demo', w.pod);
      expect(events.map((e) => e.generation)).toEqual([1, 2, 3]);
      expect(new Set(events.map((e) => e.serial)).size).toBe(3);
      for (let i = 1; i < events.length; i++) {
        expect(events[i]!.issuedAt.getTime()).toBeLessThan(events[i - 1]!.notAfter.getTime());
      }
      expect(servedSerial(w)).toBe(events.at(-1)!.serial);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe.concurrent('the certificate rotator', () => {
  it('issues at once and writes the SDS files with the trust anchors', async () => {
    const { rotator: r, events } = rotator();
    const w = workload();
    const issued = await r.register(w);
    expect(issued).toMatchObject({ namespace: 'demo', pod: w.pod, spiffeId: 'spiffe://cluster.local/ns/demo/sa/web', generation: 1 });
    expect(events).toEqual([issued]);
    expect(servedSerial(w)).toBe(issued.serial);
    const root = JSON.parse(readFileSync(w.files.rootSecret, 'utf8')) as { resources: { validation_context: { trusted_ca: { inline_string: string } } }[] };
    expect(root.resources[0]!.validation_context.trusted_ca.inline_string).toBe(ca.trustAnchorsPem);
    expect(r.current('demo', w.pod)).toBe(issued);
    expect(issued.notAfter.getTime() - issued.issuedAt.getTime()).toBeGreaterThanOrEqual(24 * 3_600_000); // SECRET_TTL's default
  });

  it('with certsNeverRotate issues once, and the certificate runs out', async () => {
    const { rotator: r, events } = rotator({ mutants: { certsNeverRotate: true } });
    const w = { ...workload(), lifetimeMs: 1000 };
    const first = await r.register(w);
    await sleep(first.notAfter.getTime() - Date.now() + 300);
    expect(events).toHaveLength(1);
    expect(servedSerial(w)).toBe(first.serial);
    expect(first.notAfter.getTime()).toBeLessThan(Date.now());
  });

  it('stops on unregister and on close', async () => {
    const { rotator: r, events } = rotator();
    const a = { ...workload(), lifetimeMs: 1000 };
    const b = { ...workload(), lifetimeMs: 1000 };
    await Promise.all([r.register(a), r.register(b)]);
    r.unregister('demo', a.pod);
    r.close();
    await sleep(1500);
    expect(events).toHaveLength(2);
    expect(r.current('demo', a.pod)).toBeUndefined();
    await expect(r.register(a)).rejects.toThrow(/closed/);
  });

  it('keeps the certificate when registered again alike, and issues another for a new identity or lifetime', async () => {
    const { rotator: r, events } = rotator();
    const w = workload();
    const [one, two] = await Promise.all([r.register(w), r.register(w)]);
    expect(two).toBe(one);
    expect(await r.register({ ...w })).toBe(one);
    const other = await r.register({ ...w, serviceAccount: 'admin' });
    expect(other.spiffeId).toBe('spiffe://cluster.local/ns/demo/sa/admin');
    const shorter = await r.register({ ...w, serviceAccount: 'admin', lifetimeMs: 60_000 });
    expect(shorter.serial).not.toBe(other.serial);
    expect(events).toHaveLength(3);
    expect(servedSerial(w)).toBe(shorter.serial);
  });

  it('reports a failed rotation and tries again', async () => {
    const { rotator: r, events, errors } = rotator({ retryMs: 100 });
    const w = { ...workload(), lifetimeMs: 1000 };
    await r.register(w);
    rmSync(w.files.dir, { recursive: true });
    writeFileSync(w.files.dir, 'not a directory'); // the proxy's files cannot be written
    await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(2), { timeout: 30_000, interval: 20 });
    expect(errors[0]!.message).toMatch(/ENOTDIR/);
    rmSync(w.files.dir);
    mkdirSync(w.files.dir);
    await vi.waitFor(() => expect(events).toHaveLength(2), { timeout: 30_000, interval: 20 });
    expect(servedSerial(w)).toBe(events[1]!.serial);
    r.unregister('demo', w.pod);
  });

  it('rejects a fraction outside (0, 1]', () => {
    expect(() => new CertificateRotator({ ca, rotateAtFraction: 0 })).toThrow(/rotateAtFraction/);
    expect(() => new CertificateRotator({ ca, rotateAtFraction: 1.5 })).toThrow(/rotateAtFraction/);
  });
});
