import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig, KubernetesObject, V1Pod, V1Service } from '@kubernetes/client-node';
import type { IDestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import type { IGateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import type { IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import type { IAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import type { IPeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { describeError } from '../../../lib/errors.ts';
import { Resync } from '../../../lib/resync.ts';
import { PODS, type InformerSet, type Resource } from '../controller-runtime/controller.ts';
import type { Informer } from '../controller-runtime/informer.ts';
import { DiscoveryFile } from '../envoy/discovery-file.ts';
import type { MeshRoutesSink } from '../gateway/mesh-routes.ts';
import type { ActiveMutants } from '../mutants/active.ts';
import { createMeshCa, type MeshCa } from './identity/ca.ts';
import { CertificateRotator, DEFAULT_SECRET_TTL_MS } from './identity/rotation.ts';
import { workloadCertTtl } from './identity/secret-ttl.ts';
import { gatewayFiles, proxyFiles, type ProxyFiles } from './layout.ts';
import { activeMeshMutants } from './mutants.ts';
import { publishMeshCa } from './publish-ca.ts';
import { buildMeshSnapshot } from './snapshot-from-api.ts';
import type { MeshPod } from './snapshot.ts';
import { sidecarBootstrap } from './xds/bootstrap.ts';
import { ingressGatewayRoutes, type IngressGatewayWorkload } from './xds/gateway.ts';
import { sidecarResources } from './xds/sidecar.ts';

const kind = (apiVersion: string, k: string, plural: string): Resource => ({ apiVersion, kind: k, path: `/apis/${apiVersion}/${plural}` });
export const SERVICES: Resource = { apiVersion: 'v1', kind: 'Service', path: '/api/v1/services' };
export const PEER_AUTHENTICATIONS = kind('security.istio.io/v1', 'PeerAuthentication', 'peerauthentications');
export const AUTHORIZATION_POLICIES = kind('security.istio.io/v1', 'AuthorizationPolicy', 'authorizationpolicies');
export const VIRTUAL_SERVICES = kind('networking.istio.io/v1', 'VirtualService', 'virtualservices');
export const DESTINATION_RULES = kind('networking.istio.io/v1', 'DestinationRule', 'destinationrules');
export const GATEWAYS = kind('networking.istio.io/v1', 'Gateway', 'gateways');

export interface MeshControlPlaneOptions {
  /** Publishes the mesh's root (`publish-ca.ts`). */
  kubeconfig: KubeConfig;
  informers: InformerSet;
  /** Where each sidecar's files go (`layout.ts`); the kubelet tells the sidecars the same directory. */
  meshDir: string;
  mutants: ActiveMutants;
  log: (line: string) => void;
  rootNamespace?: string;
  trustDomain?: string;
  /** Workload certificates' lifetime unless a pod's `proxy.istio.io/config` sets SECRET_TTL (default 24 h). */
  defaultCertTtlMs?: number;
  debounceMs?: number;
  /**
   * The ingress gateway, which serves the VirtualServices bound to Gateways that select it: the mesh gives it a
   * workload certificate (SDS files under `<meshDir>/gateways/`) and publishes its routes and clusters to `sink`.
   */
  ingressGateway?: { workload: IngressGatewayWorkload; sink: MeshRoutesSink };
}

export interface MeshControlPlane {
  readonly ca: MeshCa;
  stop(): Promise<void>;
}

interface Proxy {
  uid: string;
  podIP: string;
  files: ProxyFiles;
  lds: DiscoveryFile;
  cds: DiscoveryFile;
  rds: DiscoveryFile;
  bootstrapped: boolean;
}

/**
 * What istiod does for the reference: watches pods, services and Istio's resources, and keeps every meshed
 * pod's sidecar configuration (listeners, clusters, routes) and workload certificate in its files. Level-
 * triggered (lib/resync.ts): any change schedules one pass over the whole mesh, which writes only the files
 * that changed; a pass that fails for a pod (or the gateway) schedules another.
 * A sidecar's bootstrap is written last, once its other files and certificate exist: the sidecar container
 * waits for it before it starts Envoy. With `ingressGateway`, each pass also publishes the ingress gateway's
 * routes for the VirtualServices bound to Gateways (xds/gateway.ts), after its certificate was issued.
 */
export async function startMeshControlPlane(o: MeshControlPlaneOptions): Promise<MeshControlPlane> {
  const rootNamespace = o.rootNamespace ?? 'istio-system';
  const trustDomain = o.trustDomain ?? 'cluster.local';
  const ca = await createMeshCa({ trustDomain });
  await publishMeshCa(o.kubeconfig, ca);
  const mutants = activeMeshMutants(o.mutants);
  const rotator = new CertificateRotator({
    ca,
    defaultLifetimeMs: o.defaultCertTtlMs ?? DEFAULT_SECRET_TTL_MS,
    mutants: { certsNeverRotate: mutants.certsNeverRotate },
    onIssued: (e) => o.log(`issued ${e.spiffeId} to ${e.namespace}/${e.pod}: serial ${e.serial}, valid until ${e.notAfter.toISOString()} (generation ${e.generation})`),
    onError: (w, e) => o.log(`certificate for ${w.namespace}/${w.pod} failed: ${e.message}`),
  });
  const pods = o.informers.get<V1Pod>(PODS);
  const services = o.informers.get<V1Service>(SERVICES);
  const pas = o.informers.get<IPeerAuthentication & KubernetesObject>(PEER_AUTHENTICATIONS);
  const aps = o.informers.get<IAuthorizationPolicy & KubernetesObject>(AUTHORIZATION_POLICIES);
  const vss = o.informers.get<IVirtualService & KubernetesObject>(VIRTUAL_SERVICES);
  const drs = o.informers.get<IDestinationRule & KubernetesObject>(DESTINATION_RULES);
  const gws = o.informers.get<IGateway & KubernetesObject>(GATEWAYS);
  const proxies = new Map<string, Proxy>();
  // The translation reports what it leaves out on every pass; the log says it once.
  const warned = new Set<string>();
  const warnOnce = (line: string) => {
    if (warned.has(line)) return;
    warned.add(line);
    o.log(line);
  };
  // The gateway's certificate first: its SDS files exist before any cluster of its routes names them.
  const ingress = o.ingressGateway && { ...o.ingressGateway, files: await issueGatewayIdentity(rotator, o.meshDir, o.ingressGateway.workload) };
  const ensureProxy = (pod: MeshPod, uid: string): Proxy => {
    const key = `${pod.namespace}/${pod.name}`;
    const known = proxies.get(key);
    if (known && known.uid === uid && known.podIP === pod.podIP) return known;
    if (known) forget(key);
    const files = proxyFiles(o.meshDir, pod.namespace, pod.name);
    rmSync(files.dir, { recursive: true, force: true });
    for (const d of [files.ldsDir, files.cdsDir, files.rdsDir, files.sdsDir, files.tmpDir]) mkdirSync(d, { recursive: true });
    const proxy: Proxy = {
      uid, podIP: pod.podIP, files, bootstrapped: false,
      lds: new DiscoveryFile(files.lds, files.tmpDir), cds: new DiscoveryFile(files.cds, files.tmpDir), rds: new DiscoveryFile(files.rds, files.tmpDir),
    };
    proxies.set(key, proxy);
    return proxy;
  };

  const forget = (key: string) => {
    const proxy = proxies.get(key);
    if (!proxy) return;
    const [namespace = '', name = ''] = key.split('/');
    rotator.unregister(namespace, name);
    rmSync(proxy.files.dir, { recursive: true, force: true });
    proxies.delete(key);
  };

  const reconcile = async () => {
    const podObjects = pods.list();
    const snapshot = buildMeshSnapshot({
      pods: podObjects, services: services.list(), peerAuthentications: pas.list(), authorizationPolicies: aps.list(),
      virtualServices: vss.list(), destinationRules: drs.list(), gateways: gws.list(),
    }, { rootNamespace, trustDomain });
    const byKey = new Map(podObjects.map((p) => [`${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`, p]));
    const meshed = new Set<string>();
    for (const pod of snapshot.pods.filter((p) => p.meshed)) {
      const key = `${pod.namespace}/${pod.name}`;
      meshed.add(key);
      const object = byKey.get(key);
      try {
        const proxy = ensureProxy(pod, object?.metadata?.uid ?? '');
        const resources = sidecarResources(snapshot, pod, proxy.files, { mutants, warn: (m: string) => warnOnce(`${key}: ${m}`) });
        proxy.cds.write(resources.clusters);
        proxy.rds.write(resources.routes);
        proxy.lds.write(resources.listeners);
        if (!proxy.bootstrapped) {
          const lifetimeMs = workloadCertTtl(object?.metadata?.annotations, o.defaultCertTtlMs ?? DEFAULT_SECRET_TTL_MS);
          await rotator.register({ namespace: pod.namespace, pod: pod.name, serviceAccount: pod.serviceAccount, files: proxy.files, lifetimeMs });
          writeAtomically(proxy.files.bootstrap, join(proxy.files.tmpDir, 'bootstrap.json'), sidecarBootstrap(pod, proxy.files));
          proxy.bootstrapped = true;
          o.log(`sidecar configuration for ${key} (${pod.podIP}) is in ${proxy.files.dir}`);
        }
      } catch (e) {
        o.log(`sidecar configuration for ${key} failed: ${describeError(e)}`);
        resync.schedule();
      }
    }
    for (const key of [...proxies.keys()]) if (!meshed.has(key)) forget(key);
    if (ingress) {
      const { workload, sink } = ingress;
      const where = `ingress gateway ${workload.namespace}/${workload.service}`;
      try {
        sink.publish(ingressGatewayRoutes(snapshot, workload, { files: ingress.files, mutants, warn: (m) => warnOnce(`${where}: ${m}`) }));
      } catch (e) {
        o.log(`${where}: configuration failed: ${describeError(e)}`);
        resync.schedule();
      }
    }
  };

  const resync = new Resync(reconcile, { debounceMs: o.debounceMs ?? 10, onError: (e) => o.log(`mesh reconcile failed: ${describeError(e)}`) });
  const schedule = () => resync.schedule();
  for (const informer of [pods, services, pas, aps, vss, drs, gws] as Informer<KubernetesObject>[]) {
    for (const event of ['add', 'update', 'delete'] as const) informer.on(event, schedule);
  }
  schedule();

  return {
    ca,
    async stop() {
      await resync.stop();
      rotator.close();
    },
  };
}

/**
 * What istio-agent does for Istio's gateway pod: a certificate for the gateway's service account, rotated like a
 * sidecar's, in SDS files its Envoy reads. Registered under a name no pod can have (`<service> (gateway)`).
 */
async function issueGatewayIdentity(rotator: CertificateRotator, meshDir: string, w: IngressGatewayWorkload): Promise<ProxyFiles> {
  const files = gatewayFiles(meshDir, w.namespace, w.service);
  await rotator.register({ namespace: w.namespace, pod: `${w.service} (gateway)`, serviceAccount: w.serviceAccount, files });
  return files;
}

function writeAtomically(path: string, tmp: string, doc: object): void {
  writeFileSync(tmp, `${JSON.stringify(doc, null, 1)}\n`);
  renameSync(tmp, path);
}
