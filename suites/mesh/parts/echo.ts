import type { ForwardResult } from '../../../harness/index.ts';

/** What the probe answered (its JSON body), as far as the mesh suites read it. */
export interface Echo {
  pod: string;
  version: string | null;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

export function echoOf(r: ForwardResult): Echo | undefined {
  if (r.status === undefined || !r.body) return undefined;
  try {
    const doc = JSON.parse(r.body) as Partial<Echo>;
    return typeof doc.pod === 'string' && doc.headers ? (doc as Echo) : undefined;
  } catch {
    return undefined;
  }
}

/** One element of Envoy's x-forwarded-client-cert: `By=...;Hash=...;Subject="...";URI=...`. */
export type XfccElement = Record<string, string>;

/**
 * Parses x-forwarded-client-cert as Envoy writes it: elements separated by commas, key=value pairs by
 * semicolons, values optionally double-quoted (with `\"` escapes). The last element is the nearest hop.
 */
export function parseXfcc(header: string | undefined): XfccElement[] {
  if (!header) return [];
  const elements: XfccElement[] = [];
  let current: XfccElement = {};
  let i = 0;
  while (i < header.length) {
    const eq = header.indexOf('=', i);
    if (eq < 0) break;
    const key = header.slice(i, eq).trim();
    let j = eq + 1;
    let value = '';
    if (header[j] === '"') {
      j++;
      while (j < header.length && header[j] !== '"') {
        if (header[j] === '\\' && j + 1 < header.length) j++;
        value += header[j];
        j++;
      }
      j++;
    } else {
      while (j < header.length && header[j] !== ';' && header[j] !== ',') value += header[j++];
    }
    current[key] = value;
    const sep = header[j];
    i = j + 1;
    if (sep === ',' || j >= header.length) {
      elements.push(current);
      current = {};
    }
  }
  return elements;
}

export function headerOf(e: Echo, name: string): string | undefined {
  const v = e.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}
