import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { requireBinaries } from '../../../../lib/tools/resolve.ts';
import { proxyFiles } from '../layout.ts';
import type { MeshPod, MeshSnapshot } from '../snapshot.ts';
import { sidecarBootstrap } from './bootstrap.ts';
import { inboundClusters, inboundListeners } from './inbound.ts';
import { DiscoveryFile } from '../../envoy/discovery-file.ts';
import { testRoot, workloadCertificate, writeSecrets } from './testing/certs.ts';
import { outboundSni, upstreamMtls } from './tls.ts';

const pod: MeshPod = {
  namespace: 'demo', name: 'web-1', labels: { app: 'web' }, serviceAccount: 'web', podIP: '127.40.1.1', localIP: '127.40.1.2',
  ready: true, meshed: true, containerPorts: [8001, 8002, 8003],
};
const dir = mkdtempSync(join(tmpdir(), 'gauntlet-mesh-bootstrap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const files = proxyFiles(dir, pod.namespace, pod.name);

/** Policies using every field and condition the translation supports, and some it does not. */
const policies: IAuthorizationPolicy[] = [
  { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { namespace: 'demo', name: 'deny' }, spec: { action: 'DENY', rules: [{
    from: [{ source: { notNamespaces: ['demo', 'kn*'], notPrincipals: ['*/sa/x(y'], notIpBlocks: ['10.0.0.0/8', '::1'], remoteIpBlocks: ['192.168.0.0/16'], notRequestPrincipals: ['*'] } }],
    to: [{ operation: { hosts: ['*.example.com', 'a*'], notMethods: ['GET'], paths: ['/x*', '*/y', '/exact', '*'], notPorts: ['9'] } }],
    when: [{ key: 'request.headers[x-a]', values: ['*', 'v'] }, { key: 'connection.sni', notValues: ['s*'] }, { key: 'destination.ip', values: ['127.0.0.0/8'] }, { key: 'remote.ip', values: ['1.2.3.4'] }],
  }] } },
  { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { namespace: 'istio-system', name: 'allow' }, spec: { rules: [
    { from: [{ source: { principals: ['cluster.local/ns/demo/sa/a', '*', 'cluster.local/*'], serviceAccounts: ['demo/a', 'b'] } }], to: [{ operation: { ports: ['8001'] } }] },
    { when: [{ key: 'source.namespace', values: ['x*'] }, { key: 'source.principal', notValues: ['*'] }, { key: 'destination.port', values: ['8002'] }] },
    { from: [{ source: { requestPrincipals: ['*'] } }] },
  ] } },
];
const snapshot: MeshSnapshot = {
  rootNamespace: 'istio-system', trustDomain: 'cluster.local', pods: [pod], services: [], virtualServices: [], destinationRules: [], gateways: [], authorizationPolicies: policies,
  peerAuthentications: [{
    apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { namespace: 'demo', name: 'p' },
    spec: { selector: { matchLabels: { app: 'web' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8002: { mode: 'PERMISSIVE' }, 8003: { mode: 'DISABLE' } } },
  }],
};

describe('sidecarBootstrap', () => {
  it('names the node as Istio does and takes listeners and clusters from the watched files', () => {
    expect(sidecarBootstrap(pod, files)).toMatchObject({
      node: { id: 'sidecar~127.40.1.1~web-1.demo~demo.svc.cluster.local', cluster: 'web.demo' },
      admin: { address: { socket_address: { address: '127.40.1.2', port_value: 15000 } } },
      dynamic_resources: {
        lds_config: { resource_api_version: 'V3', path_config_source: { path: files.lds, watched_directory: { path: files.ldsDir } } },
        cds_config: { resource_api_version: 'V3', path_config_source: { path: files.cds, watched_directory: { path: files.cdsDir } } },
      },
      static_resources: { listeners: [{ name: 'health' }] },
    });
  });

  it('passes `envoy --mode validate`, itself and with the generated listeners and clusters (and an upstream mTLS cluster) inlined', async () => {
    const { envoy } = await requireBinaries(['envoy']);
    mkdirSync(files.dir, { recursive: true });
    const root = await testRoot();
    writeSecrets(files, root, await workloadCertificate(root, 'spiffe://cluster.local/ns/demo/sa/web'));
    // Envoy refuses to start unless the LDS and CDS files exist: the controller writes them before the bootstrap.
    for (const d of [files.ldsDir, files.cdsDir]) mkdirSync(d, { recursive: true });
    new DiscoveryFile(files.lds, files.tmpDir).write(inboundListeners(snapshot, pod, files));
    new DiscoveryFile(files.cds, files.tmpDir).write(inboundClusters(snapshot, pod));
    const bootstrap = sidecarBootstrap(pod, files) as { static_resources: { listeners: object[]; clusters?: object[] }; dynamic_resources?: object };
    const validate = async (config: object, name: string) => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(config));
      return execa(envoy!, ['--mode', 'validate', '-c', path, '--disable-hot-restart', '--log-level', 'error'], { reject: false, all: true });
    };
    expect((await validate(bootstrap, 'bootstrap.json')).all).toContain('OK');

    // Validate mode does not read the LDS and CDS files: the same resources go in statically (without `@type`).
    const strip = (resources: object[]) => (resources as Record<string, unknown>[]).map(({ '@type': _t, ...rest }) => rest);
    const listeners = strip(inboundListeners(snapshot, pod, files));
    expect(listeners).toHaveLength(3);
    const upstream = {
      name: 'outbound|80||web.demo.svc.cluster.local', type: 'STATIC', connect_timeout: '1s',
      transport_socket: upstreamMtls(files, ['spiffe://cluster.local/ns/demo/sa/web'], outboundSni(80, '', 'web.demo.svc.cluster.local')),
      load_assignment: { cluster_name: 'x', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.40.1.1', port_value: 8001 } } } }] }] },
    };
    const inlined = {
      ...bootstrap, dynamic_resources: undefined,
      static_resources: { listeners: [...bootstrap.static_resources.listeners, ...listeners], clusters: [...strip(inboundClusters(snapshot, pod)), upstream] },
    };
    const result = await validate(inlined, 'inlined.json');
    expect(result.all).toContain('OK');
    expect(result.exitCode).toBe(0);
  }, 60_000);
});
