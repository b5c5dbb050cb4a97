import { isIP } from 'node:net';

/** One forwarded-element of RFC 7239: its parameters, lower-cased names, values unquoted. */
export type ForwardedElement = Record<string, string>;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Splits on `sep` outside quoted strings. */
function split(text: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '\\') {
      cur += c + (text[++i] ?? '');
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted) throw new Error('unterminated quoted-string');
  out.push(cur);
  return out;
}

/**
 * Parses a Forwarded header (RFC 7239, section 4): `1#forwarded-element`, each `forwarded-pair *( ";" forwarded-pair )`,
 * a pair `token "=" ( token / quoted-string )`. Throws naming what is malformed.
 */
export function parseForwarded(header: string): ForwardedElement[] {
  const elements = split(header, ',').map((e) => e.trim());
  return elements.map((element, i) => {
    const pairs: ForwardedElement = {};
    for (const raw of split(element, ';').map((p) => p.trim())) {
      if (raw === '') continue;
      const eq = raw.indexOf('=');
      const name = raw.slice(0, eq).trim();
      let value = raw.slice(eq + 1).trim();
      if (eq < 0 || !TOKEN.test(name)) throw new Error(`element ${i + 1}: "${raw}" is not token=value`);
      if (value.startsWith('"')) {
        if (!value.endsWith('"') || value.length < 2) throw new Error(`element ${i + 1}: bad quoted-string in "${raw}"`);
        value = value.slice(1, -1).replace(/\\(.)/g, '$1');
      } else if (!TOKEN.test(value)) {
        throw new Error(`element ${i + 1}: ${name}=${value} is neither a token nor a quoted-string`);
      }
      const key = name.toLowerCase();
      if (key in pairs) throw new Error(`element ${i + 1}: parameter ${key} appears twice`);
      pairs[key] = value;
    }
    if (Object.keys(pairs).length === 0) throw new Error(`element ${i + 1} is empty`);
    return pairs;
  });
}

/** A comma-separated list of IP addresses (IPv4 or IPv6), as X-Forwarded-For carries: the bad entries. */
export function notIps(list: string): string[] {
  return list.split(',').map((s) => s.trim()).filter((s) => isIP(s) === 0);
}
