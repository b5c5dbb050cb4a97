import { isDeepStrictEqual } from 'node:util';

/** The object as the API server would store it: no undefined members (key order never matters to isDeepStrictEqual). */
function stored(x: unknown): unknown {
  return x === undefined ? undefined : JSON.parse(JSON.stringify(x));
}

/**
 * Whether two API values are the same once stored. The API server returns custom resources with their keys
 * sorted (Go maps), so comparing JSON text would see a change on every reconcile and rewrite status forever.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(stored(a), stored(b));
}
