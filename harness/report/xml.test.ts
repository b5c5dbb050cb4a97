import { describe, expect, it } from 'vitest';
import { escapeXmlAttr, escapeXmlText, sanitizeXmlChars } from './xml.ts';
import { parseXml } from './testing/tiny-xml.ts';

describe('the test parser', () => {
  it('rejects malformed documents, so passing tests mean well-formed XML', () => {
    expect(() => parseXml('<a>x & y</a>')).toThrow(/unescaped &/);
    expect(() => parseXml('<a><b></a></b>')).toThrow(/closes/);
    expect(() => parseXml('<a>\u0001</a>')).toThrow(/not allowed/);
    expect(() => parseXml('<a v="<"/>')).toThrow(/unescaped </);
    expect(() => parseXml('<a>')).toThrow(/unclosed/);
  });
});

describe('XML escaping', () => {
  it('escapes markup in text, including the ]]> sequence', () => {
    expect(escapeXmlText('a < b && c > d ]]>\r\n')).toBe('a &lt; b &amp;&amp; c &gt; d ]]&gt;&#13;\n');
  });

  it('escapes quotes and keeps tab, LF and CR in attributes as references', () => {
    expect(escapeXmlAttr(`say "hi"\tit's\r\nok`)).toBe('say &quot;hi&quot;&#9;it&apos;s&#13;&#10;ok');
  });

  it('replaces characters XML 1.0 forbids with a readable escape and keeps all others', () => {
    expect(sanitizeXmlChars('\u001b[31mred\u0000\uFFFE\uD800x')).toBe('\\x1B[31mred\\x00\\uFFFE\\uD800x');
    expect(sanitizeXmlChars('tab\there é 😀 \u0085')).toBe('tab\there é 😀 \u0085');
  });

  it('round-trips through a parser for any mix of markup and control characters', () => {
    const nasty = `<a href="x">&amp; 'q' \u0007bell\n"line"</a>`;
    const doc = parseXml(`<r v="${escapeXmlAttr(nasty)}">${escapeXmlText(nasty)}</r>`);
    const expected = nasty.replace('\u0007', '\\x07');
    expect(doc.attrs.v).toBe(expected);
    expect(doc.text).toBe(expected);
  });
});
