import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Authority } from './controlplane/pki.ts';
import { InformerSet, PODS } from './controllers/runtime/controller.ts';
import type { Defects } from './mutants/catalog.ts';
import { installCrds } from './crds/install.ts';
import { startAdmissionWebhook } from './webhook/index.ts';
import { reservePodNetwork } from './kubelet/pod-network.ts';
import { loadWorkloadCatalog } from './kubelet/workloads.ts';
import { startKubelet } from './kubelet/kubelet.ts';
import { startScheduler } from './kubelet/scheduler.ts';
import { servingControllers } from './serving/controller.ts';
import { SERVING_NAMESPACE, ROUTES } from './serving/resources.ts';
import { RoutingTable } from './gateway/routing-table.ts';
import { startProxy } from './gateway/proxy.ts';
import { publishGateway, GATEWAY } from './gateway/publish.ts';
import type { KRoute } from './serving/types.ts';
import type { V1Pod } from '@kubernetes/client-node';

export interface PlatformOptions {
  controllers: KubeConfig;
  controllersKubeconfig: string;
  nodeKubeconfig: string;
  nodeName: string;
  ca: Authority;
  logDir: string;
  lockDir: string;
  defects: Defects;
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
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const scheduler = await startScheduler({ controllersKubeconfig: o.controllersKubeconfig, nodeName: o.nodeName, log: (m) => log(`[scheduler] ${m}`) });
  o.onStop(() => scheduler.stop());
  const network = reservePodNetwork(o.lockDir);
  o.onStop(() => Promise.resolve(network.close()));
  const kubelet = await startKubelet({
    nodeKubeconfig: o.nodeKubeconfig, controllersKubeconfig: o.controllersKubeconfig, nodeName: o.nodeName,
    network, logDir: o.logDir, workloads: loadWorkloadCatalog(), log: (m) => log(`[kubelet] ${m}`),
    podStartDelayMs: o.defects.value('slow-cold-start') ?? 0,
  });
  o.onStop(() => kubelet.stop());

  o.progress('starting controllers and the gateway');
  const informers = new InformerSet(o.controllers, log);
  const controllers = servingControllers(o.controllers, informers, o.defects, log);
  const table = new RoutingTable(informers.get<KRoute>(ROUTES), informers.get<V1Pod>(PODS));
  await informers.start();
  for (const c of controllers) c.start();
  o.onStop(async () => {
    await Promise.all(controllers.map((c) => c.stop()));
    await informers.stop();
  });
  const gatewayAddress = network.infraAddress(1);
  const proxy = await startProxy(table, gatewayAddress, GATEWAY_PORT);
  o.onStop(() => proxy.stop());
  await publishGateway(o.controllers, gatewayAddress, GATEWAY_PORT);
  return { versions: { 'knative-serving-api': 'serving.knative.dev/v1', gateway: `${GATEWAY.namespace}/${GATEWAY.name}` } };
}

async function createSystemNamespaces(kc: KubeConfig): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  for (const name of [SERVING_NAMESPACE, GATEWAY.namespace]) await core.createNamespace({ body: { metadata: { name } } });
  await core.createNamespacedConfigMap({
    namespace: SERVING_NAMESPACE,
    body: { metadata: { name: 'config-domain', namespace: SERVING_NAMESPACE }, data: { 'example.com': '' } },
  });
}
