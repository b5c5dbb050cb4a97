import { describe, expect, it } from 'vitest';
import { workloadCertTtl } from './secret-ttl.ts';

const DAY = 86_400_000;
const annotated = (config: string) => ({ 'proxy.istio.io/config': config });

describe('a pod\'s workload certificate lifetime (SECRET_TTL)', () => {
  it.each([
    ['proxyMetadata:\n  SECRET_TTL: 30s\n', 30_000],
    ['proxyMetadata:\n  SECRET_TTL: "1m"\n', 60_000],
    ['{"proxyMetadata": {"SECRET_TTL": "24h"}}', DAY],
    ['holdApplicationUntilProxyStarts: true\nproxyMetadata:\n  OTHER: x\n  SECRET_TTL: 1h30m\n', 5_400_000],
    ['proxyMetadata:\n  SECRET_TTL: 1.5s\n', 1500],
  ])('reads %j', (config, ms) => {
    expect(workloadCertTtl(annotated(config), DAY)).toBe(ms);
  });

  it.each([
    ['no annotations', undefined],
    ['another annotation', { 'sidecar.istio.io/inject': 'true' }],
    ['no proxyMetadata', annotated('holdApplicationUntilProxyStarts: true')],
    ['no SECRET_TTL', annotated('proxyMetadata:\n  ISTIO_META_DNS_CAPTURE: "true"\n')],
    ['a duration without unit', annotated('proxyMetadata:\n  SECRET_TTL: "30"\n')],
    ['a number', annotated('proxyMetadata:\n  SECRET_TTL: 30\n')],
    ['zero', annotated('proxyMetadata:\n  SECRET_TTL: 0s\n')],
    ['a negative duration', annotated('proxyMetadata:\n  SECRET_TTL: -1h\n')],
    ['YAML that does not parse', annotated('proxyMetadata: [')],
    ['a list', annotated('- a\n- b\n')],
  ])('keeps the default for %s', (_name, annotations) => {
    expect(workloadCertTtl(annotations, DAY)).toBe(DAY);
  });
});
