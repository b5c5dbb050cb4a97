// Characters XML 1.0 does not allow at all (not even as character references): C0 controls but tab, LF
// and CR, lone surrogates, U+FFFE and U+FFFF. They are replaced by a readable escape such as `\x1B`.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function visible(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase()}`;
}

export function sanitizeXmlChars(s: string): string {
  return s.replace(NOT_XML_CHAR, visible);
}

/** Escapes text content. `>` is escaped too, so `]]>` can never appear; CR too, which parsers would drop. */
export function escapeXmlText(s: string): string {
  return sanitizeXmlChars(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Escapes an attribute value; tab, LF and CR become references so attribute normalization keeps them. */
export function escapeXmlAttr(s: string): string {
  return escapeXmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;');
}

export function xmlAttrs(attrs: Record<string, string | number>): string {
  return Object.entries(attrs)
    .map(([name, value]) => ` ${name}="${escapeXmlAttr(String(value))}"`)
    .join('');
}
