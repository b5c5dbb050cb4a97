import { SIDECAR_PORTS, type ProxyFiles } from '../layout.ts';
import type { MeshPod } from '../snapshot.ts';
import { watchedFile } from '../../envoy/config-source.ts';
import { FAULT_FILTER, OUTBOUND_ROUTE_NAME, TYPE_URL } from './outbound-options.ts';

export { outboundClusters, type EnvoyCluster, type OutboundClusterOptions, type UpstreamTlsRequest } from './clusters.ts';
export { OUTBOUND_ROUTE_NAME, type OutboundMutants, type OutboundOptions } from './outbound-options.ts';
export { outboundRouteConfig, type EnvoyRouteConfiguration } from './routes.ts';

export const OUTBOUND_STAT_PREFIX = 'outbound_http_proxy';

export function outboundListenerName(proxy: Pick<MeshPod, 'podIP'>): string {
  return `${proxy.podIP}_${SIDECAR_PORTS.outbound}`;
}

/**
 * The LDS resource of the sidecar's outbound side: an HTTP listener at `podIP:15001` the application uses as
 * its HTTP proxy, as istiod's HTTP proxy listener: absolute-form requests accepted (`GET http://svc.ns/path`;
 * Envoy takes the authority from the URL), routes by RDS from `files.rds` (see outboundRouteConfig), the fault
 * filter (configured per route) before the router, and the HCM settings istiod gives sidecars.
 */
export function outboundListener(proxy: Pick<MeshPod, 'podIP'>, files: Pick<ProxyFiles, 'rds' | 'rdsDir'>): object {
  return {
    '@type': TYPE_URL.listener,
    name: outboundListenerName(proxy),
    address: { socket_address: { address: proxy.podIP, port_value: SIDECAR_PORTS.outbound } },
    traffic_direction: 'OUTBOUND',
    filter_chains: [{
      filters: [{
        name: 'envoy.filters.network.http_connection_manager',
        typed_config: {
          '@type': TYPE_URL.hcm,
          stat_prefix: OUTBOUND_STAT_PREFIX,
          codec_type: 'AUTO',
          rds: { route_config_name: OUTBOUND_ROUTE_NAME, config_source: watchedFile(files.rds, files.rdsDir) },
          http_protocol_options: { allow_absolute_url: true },
          http_filters: [
            // Empty: each route carries its own fault configuration (typed_per_filter_config).
            { name: FAULT_FILTER, typed_config: { '@type': TYPE_URL.fault } },
            { name: 'envoy.filters.http.router', typed_config: { '@type': TYPE_URL.router } },
          ],
          use_remote_address: false,
          normalize_path: true,
          path_with_escaped_slashes_action: 'KEEP_UNCHANGED',
          // istiod: no stream idle timeout on sidecars; websockets upgraded.
          stream_idle_timeout: '0s',
          upgrade_configs: [{ upgrade_type: 'websocket' }],
        },
      }],
    }],
  };
}
