import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { injectAdmission, injectSidecar, PROXY_CONTAINER, PROXY_IMAGE, STATUS_ANNOTATION, TLS_MODE_LABEL } from './istio-injection.ts';

const pod = (over: Partial<V1Pod['spec']> = {}): V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { generateName: 'echo-v1-7d9c-', namespace: 'mesh', labels: { app: 'echo', version: 'v1' } },
  spec: { containers: [{ name: 'app', image: 'gauntlet/probe', ports: [{ containerPort: 8080 }] }], ...over },
});

describe('injectSidecar', () => {
  it("adds Istio's istio-proxy container, labels and status annotation", () => {
    const out = injectSidecar(pod());
    const proxy = out.spec!.containers.find((c) => c.name === PROXY_CONTAINER)!;
    expect(out.spec!.containers.map((c) => c.name)).toEqual(['app', PROXY_CONTAINER]);
    expect(proxy.image).toBe(PROXY_IMAGE);
    expect(proxy.args?.slice(0, 2)).toEqual(['proxy', 'sidecar']);
    expect(proxy.env?.find((e) => e.name === 'SERVICE_ACCOUNT')?.valueFrom?.fieldRef?.fieldPath).toBe('spec.serviceAccountName');
    expect(proxy.startupProbe?.httpGet).toEqual({ path: '/healthz/ready', port: 15021 });
    expect(out.metadata!.labels).toMatchObject({ [TLS_MODE_LABEL]: 'istio', 'service.istio.io/canonical-name': 'echo', 'service.istio.io/canonical-revision': 'v1' });
    expect(JSON.parse(out.metadata!.annotations![STATUS_ANNOTATION]!)).toMatchObject({ containers: [PROXY_CONTAINER] });
  });

  it('leaves injected and host-network pods alone', () => {
    const once = injectSidecar(pod());
    expect(injectSidecar(once)).toBe(once);
    const host = pod({ hostNetwork: true });
    expect(injectSidecar(host)).toBe(host);
  });
});

describe('injectAdmission', () => {
  const request = (object: unknown, kind = 'Pod') => ({ uid: 'u1', kind: { group: '', version: 'v1', kind }, operation: 'CREATE' as const, namespace: 'mesh', object });

  it('answers a pod creation with a JSON patch that adds the sidecar', () => {
    const res = injectAdmission(request(pod()));
    expect(res.allowed).toBe(true);
    const ops = JSON.parse(Buffer.from(res.patch!, 'base64').toString('utf8')) as { path: string }[];
    expect(ops.map((o) => o.path)).toContain('/spec/containers');
  });

  it('allows other kinds untouched', () => {
    expect(injectAdmission(request({ metadata: {} }, 'Service'))).toEqual({ uid: 'u1', allowed: true });
  });
});
