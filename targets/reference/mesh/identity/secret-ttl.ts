import { parse } from 'yaml';
import { parseGoDuration } from '../../../../lib/go-values/index.ts';

/** The pod annotation holding a ProxyConfig (YAML or JSON) that overrides the mesh's default for its sidecar. */
export const PROXY_CONFIG_ANNOTATION = 'proxy.istio.io/config';

/**
 * The lifetime of a pod's workload certificates: `proxyMetadata.SECRET_TTL` of its `proxy.istio.io/config`
 * annotation (an environment variable of istio-agent, a Go duration such as "30s", "1m", "24h"), or
 * `defaultMs`. As istio-agent, a value that does not parse (or is not positive) leaves the default.
 */
export function workloadCertTtl(podAnnotations: Record<string, string> | undefined, defaultMs: number): number {
  const text = podAnnotations?.[PROXY_CONFIG_ANNOTATION];
  if (text === undefined) return defaultMs;
  let config: unknown;
  try {
    config = parse(text);
  } catch {
    return defaultMs;
  }
  const ttl = field(field(config, 'proxyMetadata'), 'SECRET_TTL');
  if (typeof ttl !== 'string') return defaultMs;
  const ms = parseGoDuration(ttl);
  return ms instanceof Error || !(ms > 0) ? defaultMs : ms;
}

function field(o: unknown, name: string): unknown {
  return o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>)[name] : undefined;
}
