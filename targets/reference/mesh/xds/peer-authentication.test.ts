import type { IPeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { describe, expect, it } from 'vitest';
import { effectiveMtlsMode } from './peer-authentication.ts';

type Spec = NonNullable<IPeerAuthentication['spec']>;
let clock = 0;
/** A PeerAuthentication; each one made is a second younger than the one before, unless told its time. */
function pa(namespace: string, name: string, spec: Spec, created = new Date(Date.UTC(2026, 0, 1) + 1000 * clock++).toISOString()): IPeerAuthentication {
  return { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { namespace, name, creationTimestamp: created }, spec };
}
const finance = { namespace: 'foo', labels: { app: 'finance' } };
const other = { namespace: 'foo', labels: { app: 'other' } };
const mode = (peerAuthentications: IPeerAuthentication[], pod: { namespace: string; labels: Record<string, string> }, port = 8000) =>
  effectiveMtlsMode({ rootNamespace: 'istio-system', peerAuthentications }, pod, port);

describe('effectiveMtlsMode (Istio PeerAuthentication semantics)', () => {
  it('is PERMISSIVE without any policy', () => {
    expect(mode([], finance)).toBe('PERMISSIVE');
  });

  it('takes a mesh-wide policy (root namespace, no selector) everywhere', () => {
    expect(mode([pa('istio-system', 'default', { mtls: { mode: 'STRICT' } })], finance)).toBe('STRICT');
    expect(mode([pa('istio-system', 'default', { mtls: { mode: 'DISABLE' } })], { namespace: 'bar', labels: {} })).toBe('DISABLE');
  });

  it('docs: PERMISSIVE for namespace foo, but STRICT for the finance workload', () => {
    const policies = [pa('foo', 'default', { mtls: { mode: 'PERMISSIVE' } }), pa('foo', 'finance', { selector: { matchLabels: { app: 'finance' } }, mtls: { mode: 'STRICT' } })];
    expect(mode(policies, finance)).toBe('STRICT');
    expect(mode(policies, other)).toBe('PERMISSIVE');
  });

  it('docs: STRICT for finance but port 8080 plaintext (portLevelMtls)', () => {
    const policies = [pa('foo', 'default', { selector: { matchLabels: { app: 'finance' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } })];
    expect(mode(policies, finance, 8080)).toBe('DISABLE');
    expect(mode(policies, finance, 9090)).toBe('STRICT');
  });

  it('docs: UNSET inherits from the namespace (or mesh), port 8080 overridden', () => {
    const policies = [
      pa('istio-system', 'default', { mtls: { mode: 'STRICT' } }),
      pa('foo', 'default', { selector: { matchLabels: { app: 'finance' } }, mtls: { mode: 'UNSET' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } }),
    ];
    expect(mode(policies, finance, 9090)).toBe('STRICT');
    expect(mode(policies, finance, 8080)).toBe('DISABLE');
  });

  it('prefers workload over namespace over mesh, each level inheriting through UNSET or a missing mtls', () => {
    const mesh = pa('istio-system', 'default', { mtls: { mode: 'DISABLE' } });
    const ns = pa('foo', 'default', { mtls: { mode: 'STRICT' } });
    const nsUnset = pa('foo', 'unset', { mtls: { mode: 'UNSET' } });
    const workload = pa('foo', 'finance', { selector: { matchLabels: { app: 'finance' } } });
    expect(mode([mesh, ns, workload], finance)).toBe('STRICT');
    expect(mode([mesh, nsUnset, workload], finance)).toBe('DISABLE');
    expect(mode([pa('istio-system', 'default', { mtls: { mode: 'UNSET' } })], finance)).toBe('PERMISSIVE');
  });

  it('ignores portLevelMtls without a selector ("These only apply when a workload selector is specified")', () => {
    expect(mode([pa('foo', 'default', { mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } })], finance, 8080)).toBe('STRICT');
    expect(mode([pa('istio-system', 'default', { mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } })], finance, 8080)).toBe('STRICT');
  });

  it('lets an UNSET port inherit the workload mode', () => {
    const policies = [pa('foo', 'w', { selector: { matchLabels: { app: 'finance' } }, mtls: { mode: 'DISABLE' }, portLevelMtls: { 8080: { mode: 'UNSET' } } })];
    expect(mode(policies, finance, 8080)).toBe('DISABLE');
  });

  it('ignores a policy with a selector in the root namespace, and policies of other namespaces', () => {
    expect(mode([pa('istio-system', 'sel', { selector: { matchLabels: { app: 'finance' } }, mtls: { mode: 'STRICT' } })], finance)).toBe('PERMISSIVE');
    expect(mode([pa('bar', 'default', { mtls: { mode: 'STRICT' } }), pa('bar', 'sel', { selector: { matchLabels: { app: 'finance' } }, mtls: { mode: 'STRICT' } })], finance)).toBe('PERMISSIVE');
  });

  it('treats an empty selector as namespace-wide, and needs every selector label to match', () => {
    expect(mode([pa('foo', 'empty', { selector: { matchLabels: {} }, mtls: { mode: 'STRICT' } })], other)).toBe('STRICT');
    expect(mode([pa('foo', 'two', { selector: { matchLabels: { app: 'finance', tier: 'db' } }, mtls: { mode: 'STRICT' } })], finance)).toBe('PERMISSIVE');
  });

  it('among several at one level, the oldest wins ("Istio ignores the newer policies"), then the first by name', () => {
    const older = pa('foo', 'zz-older', { mtls: { mode: 'DISABLE' } });
    const newer = pa('foo', 'aa-newer', { mtls: { mode: 'STRICT' } });
    expect(mode([newer, older], other)).toBe('DISABLE');
    const w1 = pa('foo', 'w1', { selector: { matchLabels: { app: 'finance' } }, mtls: { mode: 'STRICT' } });
    const w2 = pa('foo', 'w2', { selector: { matchLabels: { app: 'finance' } }, mtls: { mode: 'DISABLE' } });
    expect(mode([w2, w1], finance)).toBe('STRICT');
    const t = '2026-02-01T00:00:00Z';
    expect(mode([pa('istio-system', 'b', { mtls: { mode: 'STRICT' } }, t), pa('istio-system', 'a', { mtls: { mode: 'DISABLE' } }, t)], finance)).toBe('DISABLE');
  });
});
