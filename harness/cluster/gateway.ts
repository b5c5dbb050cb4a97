import type { V1Service } from '@kubernetes/client-node';
import type { Cluster } from './cluster.ts';

export interface GatewayAddress {
  host: string;
  port: number;
  /** Where the address was read, for evidence. */
  source: string;
}

/** Istio's ingress gateway, which Knative's net-istio fronts, unless the run config names another. */
export const DEFAULT_GATEWAY = { namespace: 'istio-system', name: 'istio-ingressgateway', portName: 'http2' };

/**
 * The data plane's entry point, read the way it is on a real cluster: the gateway Service's load-balancer
 * status for the address, and its HTTP port. The reference publishes its gateway in the same place.
 */
export async function discoverGateway(cluster: Cluster, gw = DEFAULT_GATEWAY): Promise<GatewayAddress> {
  const svc = await cluster.get<V1Service>({ apiVersion: 'v1', kind: 'Service', metadata: { name: gw.name, namespace: gw.namespace } });
  const where = `Service ${gw.namespace}/${gw.name}`;
  if (!svc) throw new Error(`${where} not found: the target has no ingress gateway there`);
  const ingress = svc.status?.loadBalancer?.ingress?.[0];
  const host = ingress?.ip ?? ingress?.hostname;
  if (!host) throw new Error(`${where} has no load-balancer address in status.loadBalancer.ingress`);
  const port = svc.spec?.ports?.find((p) => p.name === gw.portName) ?? svc.spec?.ports?.[0];
  if (!port) throw new Error(`${where} declares no ports`);
  return { host, port: port.port, source: `${where} status.loadBalancer.ingress[0] port ${port.name ?? port.port}` };
}
