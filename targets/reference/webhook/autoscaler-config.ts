/**
 * The config-autoscaler the webhook checks autoscaling annotations against, kept from a watch of that one
 * ConfigMap as Knative's webhook keeps it in its config store: a missing ConfigMap means Knative's defaults,
 * an invalid one leaves the last valid configuration in force.
 */
import { KubernetesObjectApi, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { CONFIG_AUTOSCALER, KNATIVE_DEFAULTS, parseAutoscalerConfig, type AutoscalerConfig } from '../autoscaler/config.ts';
import { createInformer } from '../controller-runtime/informer.ts';

export interface AutoscalerConfigWatch {
  /** The configuration in force. */
  current(): AutoscalerConfig;
  stop(): Promise<void>;
}

/** Lists and watches the ConfigMap; resolves once the first list is in. */
export async function watchAutoscalerConfig(kc: KubeConfig, log: (line: string) => void): Promise<AutoscalerConfigWatch> {
  const { namespace, name } = CONFIG_AUTOSCALER;
  const fieldSelector = `metadata.name=${name}`;
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const informer = createInformer<V1ConfigMap>({
    kubeConfig: kc, path: `/api/v1/namespaces/${namespace}/configmaps`, fieldSelector, log,
    list: () => objects.list<V1ConfigMap>('v1', 'ConfigMap', namespace, undefined, undefined, undefined, fieldSelector),
  });
  let config: AutoscalerConfig = KNATIVE_DEFAULTS;
  let loaded: string | undefined;
  const load = () => {
    const cm = informer.get(name, namespace);
    const version = cm ? (cm.metadata?.resourceVersion ?? '?') : 'none';
    if (version === loaded) return;
    loaded = version;
    if (!cm) {
      config = KNATIVE_DEFAULTS;
      log(`${namespace}/${name} does not exist: Knative's defaults in force`);
      return;
    }
    const r = parseAutoscalerConfig(cm.data ?? {});
    if (r.error !== undefined) {
      log(`${namespace}/${name} (resourceVersion ${version}) is invalid, the previous configuration stays in force: ${r.error}`);
      return;
    }
    config = r.config;
    log(`${namespace}/${name} (resourceVersion ${version}) in force`);
  };
  for (const event of ['add', 'update', 'delete'] as const) informer.on(event, load);
  await informer.start();
  load();
  return { current: () => config, stop: () => informer.stop() };
}
