import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

/** Istio's ingress gateway as Istio's installation names it: Service, port name, its pods' service account. */
export const GATEWAY = { namespace: 'istio-system', name: 'istio-ingressgateway', portName: 'http2', serviceAccount: 'istio-ingressgateway-service-account' };
/** The gateway workload's labels (its Service's selector), which Istio Gateways select (`istio: ingressgateway`). */
export const GATEWAY_LABELS: Readonly<Record<string, string>> = { app: 'istio-ingressgateway', istio: 'ingressgateway' };

/**
 * Publishes the gateway where a cluster publishes Istio's ingress gateway: a LoadBalancer Service whose
 * status carries the address. Clients find it there, never from the reference's internals.
 */
export async function publishGateway(kc: KubeConfig, address: string, port: number): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const labels = { ...GATEWAY_LABELS };
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
