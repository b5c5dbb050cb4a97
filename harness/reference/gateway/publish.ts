import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

export const GATEWAY = { namespace: 'istio-system', name: 'istio-ingressgateway', portName: 'http2' };

/**
 * Publishes the gateway where a cluster publishes Istio's ingress gateway: a LoadBalancer Service whose
 * status carries the address. Clients find it there, never from the reference's internals.
 */
export async function publishGateway(kc: KubeConfig, address: string, port: number): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const labels = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
  await core.createNamespacedService({
    namespace: GATEWAY.namespace,
    body: {
      metadata: { name: GATEWAY.name, namespace: GATEWAY.namespace, labels },
      spec: { type: 'LoadBalancer', selector: labels, ports: [{ name: GATEWAY.portName, port, targetPort: port, protocol: 'TCP' }] },
    },
  });
  await core.replaceNamespacedServiceStatus({
    name: GATEWAY.name,
    namespace: GATEWAY.namespace,
    body: {
      ...(await core.readNamespacedService({ name: GATEWAY.name, namespace: GATEWAY.namespace })),
      status: { loadBalancer: { ingress: [{ ip: address, ipMode: 'VIP' }] } },
    },
  });
}
