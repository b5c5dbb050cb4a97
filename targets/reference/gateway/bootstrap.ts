import { watchedFile } from '../envoy/config-source.ts';
import { FAULT_FILTER, TYPE_URL } from '../mesh/xds/outbound-options.ts';
import { CONNECTION_SPLIT_KEY, ROUTE_CONFIG_NAME } from './envoy-resources.ts';

export interface BootstrapOptions {
  /** The gateway's address: the listener and the admin interface (on an ephemeral port) bind to it. */
  address: string;
  port: number;
  /** Files holding the CDS and RDS discovery responses; each in a directory of its own that Envoy watches. */
  cdsPath: string;
  cdsDir: string;
  rdsPath: string;
  rdsDir: string;
  /** The split-per-connection mutant: a per-connection hash key for the routes' weighted clusters. */
  splitPerConnection?: boolean;
}

export const STAT_PREFIX = 'ingress_http';

/**
 * Envoy's bootstrap: a static listener whose routes come by RDS and clusters by CDS, both from files. The
 * listener is static because an LDS update drains the old listener, leaving keep-alive connections on old
 * routes; RDS and CDS updates reach existing connections at once (which is why Istio uses RDS too).
 */
export function bootstrap(o: BootstrapOptions): object {
  return {
    node: { id: 'istio-ingressgateway.istio-system', cluster: 'istio-ingressgateway' },
    admin: { address: { socket_address: { address: o.address, port_value: 0 } } },
    dynamic_resources: { cds_config: watchedFile(o.cdsPath, o.cdsDir) },
    static_resources: {
      listeners: [
        {
          name: `http_${o.port}`,
          address: { socket_address: { address: o.address, port_value: o.port } },
          filter_chains: [{ filters: [...(o.splitPerConnection ? [connectionSplitKey()] : []), { name: 'envoy.filters.network.http_connection_manager', typed_config: connectionManager(o) }] }],
        },
      ],
    },
  };
}

function connectionManager(o: BootstrapOptions): object {
  return {
    '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    stat_prefix: STAT_PREFIX,
    codec_type: 'AUTO',
    rds: { route_config_name: ROUTE_CONFIG_NAME, config_source: watchedFile(o.rdsPath, o.rdsDir) },
    http_filters: [
      // Off unless a route enables it: VirtualService routes carry their fault injection per route
      // (typed_per_filter_config), and Knative's routes, the most, then pass the gateway without it.
      { name: FAULT_FILTER, typed_config: { '@type': TYPE_URL.fault }, disabled: true },
      { name: 'envoy.filters.http.router', typed_config: { '@type': TYPE_URL.router } },
    ],
    // As Istio's gateway: the client's address decides (not an x-forwarded-for it sent), websockets upgraded, its
    // server name. The client's address is appended to x-forwarded-for by the route configuration, not by Envoy,
    // which would append its host's address for a loopback client (envoy-resources.ts, FORWARDED_FOR).
    use_remote_address: true,
    skip_xff_append: true,
    upgrade_configs: [{ upgrade_type: 'websocket' }],
    server_name: 'istio-envoy',
    // A request waiting in the activator for a cold start sends nothing for a while; Knative's longest
    // revision timeout is 600 s by default, Envoy's stream idle timeout 300 s.
    stream_idle_timeout: '3600s',
  };
}

/**
 * The split-per-connection mutant's network filter: every new downstream connection gets a hashable filter-state
 * object holding its connection id; routes hash it (envoy-resources.ts) to pick their weighted cluster, so every
 * request of a connection goes to the same revision, as an L4 balancer splitting connections would.
 */
function connectionSplitKey(): object {
  return {
    name: 'envoy.filters.network.set_filter_state',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.filters.network.set_filter_state.v3.Config',
      on_new_connection: [
        { object_key: CONNECTION_SPLIT_KEY, factory_key: 'envoy.hashable_string', format_string: { text_format_source: { inline_string: '%CONNECTION_ID%' } } },
      ],
    },
  };
}
