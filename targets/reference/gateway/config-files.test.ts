import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ActiveMutants } from '../mutants/active.ts';
import { ConfigFiles } from './config-files.ts';
import { buildGatewayConfig } from './envoy-resources.ts';
import { pod, route, sks } from './testing/objects.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function files(): ConfigFiles {
  const dir = mkdtempSync(join(tmpdir(), 'gauntlet-gateway-test-'));
  dirs.push(dir);
  return new ConfigFiles(dir);
}

const snapshot = {
  routes: [route('hello', 'demo', [{ revisionName: 'hello-00001', percent: 100 }])],
  pods: [pod('demo', 'hello-00001', '127.30.1.1')],
  serverlessServices: [sks('demo', 'hello-00001', 'Serve')],
};
const config = () => buildGatewayConfig(snapshot, { activator: { host: '127.30.0.2', port: 8081 }, podPort: 8012, mutants: new ActiveMutants([]) });

describe('ConfigFiles', () => {
  it('writes a discovery response whose version is a hash of its resources', () => {
    const f = files();
    const version = f.writeClusters(config().clusters);
    const body = JSON.parse(readFileSync(f.cdsPath, 'utf8')) as { version_info: string; resources: { name: string }[] };
    expect(body.version_info).toBe(version);
    expect(body.resources.map((r) => r.name)).toEqual(['demo/hello-00001']);
    expect(f.writeRoutes([config().routeConfiguration])).toMatch(/^[0-9a-f]{16}$/);
  });

  it('does not rewrite a file when nothing changed, and rewrites it (renamed into place) when something did', () => {
    const f = files();
    const first = f.writeClusters(config().clusters);
    const inode = statSync(f.cdsPath).ino;
    expect(f.writeClusters(config().clusters)).toBeUndefined();
    expect(f.writeRoutes([config().routeConfiguration])).toBeDefined();
    expect(f.writeRoutes([config().routeConfiguration])).toBeUndefined();
    expect(statSync(f.cdsPath).ino).toBe(inode);
    const changed = buildGatewayConfig({ ...snapshot, pods: [] }, { activator: { host: '127.30.0.2', port: 8081 }, podPort: 8012, mutants: new ActiveMutants([]) });
    const second = f.writeClusters(changed.clusters);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(statSync(f.cdsPath).ino).not.toBe(inode);
    expect(readdirSync(join(f.cdsPath, '..', '..', 'tmp'))).toEqual([]);
  });
});
