import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Authority } from './controlplane/pki.ts';
import { InformerSet } from './controller-runtime/controller.ts';
import type { ActiveMutants } from './mutants/active.ts';
import { installCrds } from './crds/install.ts';
import { startAdmissionWebhook } from './webhook/index.ts';
import { QUEUE_PROXY_MODULES } from './queue-proxy/modules.ts';
import { reservePodNetwork } from './kubelet/pod-network.ts';
import { loadWorkloadImages } from './kubelet/workloads.ts';
import { startKubelet } from './kubelet/kubelet.ts';
import { startScheduler } from './kubelet/scheduler.ts';
import { servingControllers } from './serving/controller.ts';
import { SERVING_NAMESPACE } from './serving/resources.ts';
import { QUEUE_SERVING_PORT } from './serving/dataplane.ts';
import { startGateway, type Gateway } from './gateway/gateway.ts';
import { informerInputs } from './gateway/inputs.ts';
import { MeshRoutesChannel } from './gateway/mesh-routes.ts';
import { publishGateway, GATEWAY, GATEWAY_LABELS } from './gateway/publish.ts';
import { startActivator } from './activator/index.ts';
import { startAutoscaler } from './autoscaler/controller.ts';
import { initialScale } from './autoscaler/scaling.ts';
import { startMeshControlPlane } from './mesh/controller.ts';

export interface PlatformOptions {
  controllers: KubeConfig;
  controllersKubeconfig: string;
  nodeKubeconfig: string;
  nodeName: string;
  ca: Authority;
  /** The reference's own scratch space, removed when it stops. */
  stateDir: string;
  logDir: string;
  lockDir: string;
  /** Path of the pinned Envoy binary. */
  envoy: string;
  mutants: ActiveMutants;
  /** The kubelet's warm runtimes (booted Node processes for Node containers); undefined: its default, 0: off. */
  warmRuntimes?: number;
  progress: (step: string) => void;
  /** Registers a stop function; they run in reverse order of registration. */
  onStop: (stop: () => Promise<void>) => void;
}

const GATEWAY_PORT = 8080;

/** Everything of the reference above the control plane, in dependency order. */
export async function startPlatform(o: PlatformOptions): Promise<{ versions: Record<string, string> }> {
  o.progress('installing CRDs and starting the admission webhook');
  await installCrds(o.controllersKubeconfig);
  const webhook = await startAdmissionWebhook({ kubeconfig: o.controllersKubeconfig, ca: o.ca, host: '127.0.0.1', logFile: `${o.logDir}/webhook.log` });
  o.onStop(() => webhook.stop());
  await createSystemNamespaces(o.controllers);

  o.progress('starting the scheduler and the kubelet');
  const logFile = createWriteStream(join(o.logDir, 'reference.log'), { flags: 'a' });
  o.onStop(() => new Promise<void>((resolve) => logFile.end(resolve)));
  const log = (line: string) => void logFile.write(`${new Date().toISOString()} ${line}\n`);
  const scheduler = await startScheduler({ controllersKubeconfig: o.controllersKubeconfig, nodeName: o.nodeName, log: (m) => log(`[scheduler] ${m}`) });
  o.onStop(() => scheduler.stop());
  const network = reservePodNetwork(o.lockDir);
  o.onStop(() => Promise.resolve(network.close()));
  const meshDir = join(o.stateDir, 'mesh');
  const kubelet = await startKubelet({
    nodeKubeconfig: o.nodeKubeconfig, controllersKubeconfig: o.controllersKubeconfig, nodeName: o.nodeName,
    network, logDir: o.logDir, images: loadWorkloadImages(), log: (m) => log(`[kubelet] ${m}`),
    podStartDelayMs: o.mutants.value('slow-cold-start') ?? 0,
    ...(o.warmRuntimes !== undefined ? { warmRuntimes: o.warmRuntimes } : {}),
    warmPreload: QUEUE_PROXY_MODULES,
    meshSidecarEnv: { GAUNTLET_MESH_DIR: meshDir, GAUNTLET_ENVOY: o.envoy },
  });
  o.onStop(() => kubelet.stop());

  o.progress('starting controllers, autoscaler, activator, mesh control plane and the Envoy gateway');
  const informers = new InformerSet(o.controllers, log);
  const autoscaler = await startAutoscaler({ kubeconfig: o.controllers, informers, mutants: o.mutants, log: (m) => log(`[autoscaler] ${m}`) });
  o.onStop(() => autoscaler.stop());
  // Routes wait for the gateway to serve them (IngressReady); it exists once the informers have listed.
  const ingress: { gateway?: Gateway } = {};
  const serving = servingControllers(
    o.controllers, informers, o.mutants, { programmed: (r) => ingress.gateway?.programmed(r) ?? false }, log,
    (rev) => initialScale(rev.metadata?.annotations ?? {}, autoscaler.config()),
  );
  const gatewayInputs = informerInputs(informers);
  const activator = await startActivator({
    informers, host: network.infraAddress(2), port: QUEUE_SERVING_PORT, autoscaler, mutants: o.mutants, log: (m) => log(`[activator] ${m}`),
  });
  o.onStop(() => activator.stop());
  // The mesh serves VirtualServices bound to Gateways on the ingress gateway: it publishes their routes here, the
  // gateway merges them into its own on its next sync.
  const meshRoutes = new MeshRoutesChannel();
  const mesh = await startMeshControlPlane({
    kubeconfig: o.controllers, informers, meshDir, mutants: o.mutants, log: (m) => log(`[mesh] ${m}`),
    ingressGateway: {
      workload: { namespace: GATEWAY.namespace, service: GATEWAY.name, labels: { ...GATEWAY_LABELS }, serviceAccount: GATEWAY.serviceAccount },
      sink: meshRoutes,
    },
  });
  o.onStop(() => mesh.stop());
  await informers.start();
  o.onStop(async () => {
    await Promise.all(serving.controllers.map((c) => c.stop()));
    await informers.stop();
  });
  const gateway = await startGateway({
    inputs: gatewayInputs, address: network.infraAddress(1), port: GATEWAY_PORT, activator: { host: activator.host, port: activator.port },
    logDir: o.logDir, mutants: o.mutants, log: (m) => log(`[gateway] ${m}`), envoyPath: o.envoy, meshRoutes,
  });
  ingress.gateway = gateway;
  o.onStop(() => gateway.stop());
  gateway.onSynced(() => serving.requeueRoutes());
  for (const c of serving.controllers) c.start();
  await publishGateway(o.controllers, gateway.address.host, gateway.address.port);
  return { versions: { 'knative-serving-api': 'serving.knative.dev/v1', gateway: `${GATEWAY.namespace}/${GATEWAY.name}`, envoy: '1.40.0' } };
}

async function createSystemNamespaces(kc: KubeConfig): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  for (const name of [SERVING_NAMESPACE, GATEWAY.namespace]) await core.createNamespace({ body: { metadata: { name } } });
  await core.createNamespacedConfigMap({
    namespace: SERVING_NAMESPACE,
    body: { metadata: { name: 'config-domain', namespace: SERVING_NAMESPACE }, data: { 'example.com': '' } },
  });
}
