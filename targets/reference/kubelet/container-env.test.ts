import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildContainerEnv, containerArgv, expandReferences, fieldRefValue } from './container-env.ts';

const pod: V1Pod = {
  metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', labels: { app: 'web' }, annotations: { note: 'hi' } },
  spec: { nodeName: 'gauntlet-node', serviceAccountName: 'runner', containers: [] },
};
const hostEnv = { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'C.UTF-8', SECRET_TOKEN: 'leak', NODE_OPTIONS: '--inspect' };

function envOf(container: Partial<V1Container>, bindAddressEnv = 'HOST') {
  return buildContainerEnv({ pod, container: { name: 'c', ...container }, podIP: '127.16.1.7', hostIP: '127.0.0.1', bindAddressEnv, hostEnv });
}

describe('container environment', () => {
  it('starts clean: only PATH, HOME, LANG from the host, HOSTNAME, and the bind address', () => {
    expect(envOf({})).toEqual({
      ok: true,
      env: { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'C.UTF-8', HOSTNAME: 'web-1', HOST: '127.16.1.7' },
    });
  });

  it('sets values and the downward API fields', () => {
    const ref = (fieldPath: string) => ({ valueFrom: { fieldRef: { fieldPath } } });
    const r = envOf({
      env: [
        { name: 'PORT', value: '8080' },
        { name: 'POD_NAME', ...ref('metadata.name') },
        { name: 'POD_NAMESPACE', ...ref('metadata.namespace') },
        { name: 'POD_UID', ...ref('metadata.uid') },
        { name: 'APP', ...ref("metadata.labels['app']") },
        { name: 'MISSING_LABEL', ...ref("metadata.labels['nope']") },
        { name: 'NOTE', ...ref("metadata.annotations['note']") },
        { name: 'POD_IP', ...ref('status.podIP') },
        { name: 'HOST_IP', ...ref('status.hostIP') },
        { name: 'NODE', ...ref('spec.nodeName') },
        { name: 'SA', ...ref('spec.serviceAccountName') },
      ],
    });
    expect(r.ok && r.env).toMatchObject({
      PORT: '8080', POD_NAME: 'web-1', POD_NAMESPACE: 'shop', POD_UID: 'u-1', APP: 'web', MISSING_LABEL: '', NOTE: 'hi',
      POD_IP: '127.16.1.7', HOST_IP: '127.0.0.1', NODE: 'gauntlet-node', SA: 'runner',
    });
    expect(r.ok && r.env).not.toHaveProperty('SECRET_TOKEN');
  });

  it('lets the bind address win over a same-named env entry', () => {
    const r = envOf({ env: [{ name: 'HOST', value: '0.0.0.0' }] });
    expect(r.ok && r.env.HOST).toBe('127.16.1.7');
  });

  it('expands $(VAR) references to earlier entries', () => {
    const r = envOf({ env: [{ name: 'A', value: 'x' }, { name: 'B', value: '$(A)-$(C)-$$(A)' }, { name: 'C', value: 'late' }] });
    expect(r.ok && r.env.B).toBe('x-$(C)-$(A)');
  });

  it('skips optional references it cannot resolve and refuses required ones', () => {
    expect(envOf({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k', optional: true } } }] }).ok).toBe(true);
    expect(envOf({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] })).toEqual({
      ok: false,
      message: 'env X: valueFrom.secretKeyRef is not supported by the reference kubelet',
    });
    expect(envOf({ env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.nope' } } }] })).toMatchObject({ ok: false });
    const fromConfigMap = envOf({ envFrom: [{ configMapRef: { name: 'cm' } }] });
    expect(fromConfigMap.ok === false && fromConfigMap.message).toContain('configMapRef cm');
    expect(envOf({ envFrom: [{ secretRef: { name: 's', optional: true } }] }).ok).toBe(true);
  });
});

describe('argv and expansion', () => {
  it('appends expanded args to the workload command', () => {
    expect(containerArgv(['/node', '/probe.ts'], { name: 'c', command: ['ignored'], args: ['--port=$(PORT)', '$(NOPE)'] }, { PORT: '9' })).toEqual([
      '/node', '/probe.ts', '--port=9', '$(NOPE)',
    ]);
  });

  it('treats $$ as an escape', () => {
    expect(expandReferences('$$$(A)$', { A: '1' })).toBe('$1$');
  });

  it('answers unsupported field paths with undefined', () => {
    expect(fieldRefValue(pod, 'metadata.generateName', '', '')).toBeUndefined();
  });
});
