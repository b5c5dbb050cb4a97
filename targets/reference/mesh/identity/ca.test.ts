import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMeshCa } from './ca.ts';

function certsOf(chainPem: string): X509Certificate[] {
  return (chainPem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p));
}

describe('the mesh CA', () => {
  it('has a self-signed root O=<trust domain>, a CA', async () => {
    const ca = await createMeshCa({ trustDomain: 'cluster.local' });
    const root = new X509Certificate(ca.root.certPem);
    expect(root.subject).toBe('O=cluster.local');
    expect(root.issuer).toBe('O=cluster.local');
    expect(root.ca).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    expect(ca.trustAnchorsPem).toBe(ca.root.certPem);
  });

  it('issues a workload certificate shaped as Istio\'s: SPIFFE URI SAN, no subject, both usages, backdated', async () => {
    const ca = await createMeshCa({ trustDomain: 'example.org' });
    const now = Date.now();
    const issued = await ca.issueWorkload({ namespace: 'demo', serviceAccount: 'web', lifetimeMs: 3_600_000, now });
    expect(issued.spiffeId).toBe('spiffe://example.org/ns/demo/sa/web');
    const [leaf, issuer, ...rest] = certsOf(issued.certChainPem);
    expect(rest).toEqual([]);
    expect(issuer!.raw.equals(new X509Certificate(ca.root.certPem).raw)).toBe(true);
    expect(leaf!.subject).toBeUndefined();
    expect(leaf!.subjectAltName).toBe('URI:spiffe://example.org/ns/demo/sa/web');
    expect(leaf!.ca).toBe(false);
    expect(leaf!.checkIssued(issuer!)).toBe(true);
    expect(leaf!.verify(issuer!.publicKey)).toBe(true);
    expect(leaf!.checkPrivateKey(createPrivateKey(issued.keyPem))).toBe(true);
    expect(leaf!.keyUsage?.sort()).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']); // Node lists the extended key usages
    expect(leaf!.serialNumber).toBe(issued.serial);
    expect(issued.issuedAt.getTime()).toBe(now);
    // X.509 times have one-second precision.
    expect(Math.abs(issued.notBefore.getTime() - (now - 120_000))).toBeLessThan(1000);
    expect(Math.abs(issued.notAfter.getTime() - (now + 3_600_000))).toBeLessThan(1000);

    const peculiar = new x509.X509Certificate(leaf!.raw);
    const usage = peculiar.getExtension(x509.KeyUsagesExtension)!;
    expect(usage.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
    expect(usage.critical).toBe(true);
    expect(peculiar.getExtension(x509.SubjectAlternativeNameExtension)!.critical).toBe(true); // the subject is empty
    expect(peculiar.publicKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
  });

  it('gives every certificate its own key and serial', async () => {
    const ca = await createMeshCa({ trustDomain: 'cluster.local' });
    const [a, b] = await Promise.all([1, 2].map(() => ca.issueWorkload({ namespace: 'n', serviceAccount: 's', lifetimeMs: 60_000 })));
    expect(a!.serial).not.toBe(b!.serial);
    expect(a!.keyPem).not.toBe(b!.keyPem);
  });

  it('keeps a root it is given, and a second CA is foreign to the first', async () => {
    const first = await createMeshCa({ trustDomain: 'cluster.local' });
    const again = await createMeshCa({ trustDomain: 'cluster.local', root: first.root });
    const foreign = await createMeshCa({ trustDomain: 'cluster.local' });
    const root = new X509Certificate(first.root.certPem);
    const fromAgain = certsOf((await again.issueWorkload({ namespace: 'n', serviceAccount: 's', lifetimeMs: 60_000 })).certChainPem)[0]!;
    const fromForeign = certsOf((await foreign.issueWorkload({ namespace: 'n', serviceAccount: 's', lifetimeMs: 60_000 })).certChainPem)[0]!;
    expect(fromAgain.verify(root.publicKey)).toBe(true);
    expect(fromForeign.verify(root.publicKey)).toBe(false);
    expect(fromForeign.issuer).toBe(root.subject); // same name, other key: only the signature tells them apart
  });

  it('refuses a lifetime that is not positive', async () => {
    const ca = await createMeshCa({ trustDomain: 'cluster.local' });
    await expect(ca.issueWorkload({ namespace: 'n', serviceAccount: 's', lifetimeMs: 0 })).rejects.toThrow(/positive/);
  });
});
