import { describe, expect, it } from 'vitest';
import { proxyFiles } from '../layout.ts';
import { outboundSni, upstreamMtls } from './tls.ts';

const files = proxyFiles('/mesh', 'demo', 'client-1');

describe('TLS contexts and SDS secrets', () => {
  it('builds the outbound mTLS socket: client cert `default`, ROOTCA, the destination\'s SPIFFE ids, Istio\'s SNI', () => {
    const sni = outboundSni(8080, 'v1', 'web.demo.svc.cluster.local');
    expect(sni).toBe('outbound_.8080_.v1_.web.demo.svc.cluster.local');
    expect(upstreamMtls(files, ['spiffe://cluster.local/ns/demo/sa/web'], sni)).toEqual({
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
        sni,
        common_tls_context: {
          tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
          tls_certificate_sds_secret_configs: [{ name: 'default', sds_config: { resource_api_version: 'V3', path_config_source: { path: files.certSecret, watched_directory: { path: files.sdsDir } } } }],
          combined_validation_context: {
            default_validation_context: { match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: 'spiffe://cluster.local/ns/demo/sa/web' } }] },
            validation_context_sds_secret_config: { name: 'ROOTCA', sds_config: { resource_api_version: 'V3', path_config_source: { path: files.rootSecret, watched_directory: { path: files.sdsDir } } } },
          },
        },
      },
    });
  });

});
