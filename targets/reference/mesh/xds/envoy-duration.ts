const UNIT_NS: Record<string, number> = { h: 3600e9, m: 60e9, s: 1e9, ms: 1e6, us: 1e3, 'µs': 1e3, ns: 1 };

/**
 * An Istio duration (Go's syntax, as the CRDs validate it: `1h30m`, `2s`, `0.5s`, `100ms`) -> Envoy's JSON
 * form of google.protobuf.Duration (`5400s`, `0.100s`). Throws on anything else, so a typo does not become 0.
 */
export function envoyDuration(value: string): string {
  const text = value.trim();
  if (!/^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:h|ms|m|s|us|µs|ns))+$/.test(text)) {
    throw new Error(`not a duration: ${JSON.stringify(value)}`);
  }
  let nanos = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/g)) {
    nanos += Math.round(Number(amount) * UNIT_NS[unit!]!);
  }
  const seconds = Math.floor(nanos / 1e9);
  const fraction = String(nanos % 1e9).padStart(9, '0').replace(/0+$/, '');
  return fraction ? `${seconds}.${fraction}s` : `${seconds}s`;
}
