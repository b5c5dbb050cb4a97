import { describe, expect, it } from 'vitest';
import { proxyFiles } from '../layout.ts';
import { outboundListener } from './outbound.ts';
import { pod } from './testing/outbound-fixtures.ts';

describe('outbound listener', () => {
  it('listens at podIP:15001 as an HTTP proxy: absolute URLs, routes by RDS from the watched file, fault filter before the router', () => {
    const files = proxyFiles('/mesh', 'demo', 'client');
    const l = outboundListener(pod('demo', 'client', '127.40.1.1', {}), files) as {
      name: string; address: unknown; filter_chains: { filters: { name: string; typed_config: Record<string, unknown> }[] }[];
    };
    expect(l.name).toBe('127.40.1.1_15001');
    expect(l.address).toEqual({ socket_address: { address: '127.40.1.1', port_value: 15001 } });
    const hcm = l.filter_chains[0]!.filters[0]!;
    expect(hcm.name).toBe('envoy.filters.network.http_connection_manager');
    expect(hcm.typed_config).toMatchObject({
      http_protocol_options: { allow_absolute_url: true },
      rds: { route_config_name: 'http_proxy', config_source: { resource_api_version: 'V3', path_config_source: { path: files.rds, watched_directory: { path: files.rdsDir } } } },
    });
    expect((hcm.typed_config.http_filters as { name: string }[]).map((f) => f.name)).toEqual(['envoy.filters.http.fault', 'envoy.filters.http.router']);
  });
});
