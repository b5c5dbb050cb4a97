// A minimal XML parser for tests: enough to check that generated XML is well formed and to walk it.
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function decode(s: string): string {
  if (NOT_XML_CHAR.test(s)) throw new Error(`character not allowed in XML 1.0 in ${JSON.stringify(s)}`);
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);|&|</g, (match: string, ref?: string) => {
    if (ref === undefined) throw new Error(`unescaped ${match}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ref in named) return named[ref] ?? '';
    return String.fromCodePoint(ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
  });
}

export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  const token = /<\?[^]*?\?>|<\/([A-Za-z][\w.-]*)\s*>|<([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w.-]*="[^"]*")*)\s*(\/?)>|([^<]+)|(<)/gy;
  for (let m = token.exec(xml); m !== null && m[0] !== ''; m = token.exec(xml)) {
    const [, close, open, attrText, selfClose, text, stray] = m;
    const top = stack.at(-1);
    if (top === undefined || stray !== undefined) throw new Error(`malformed XML at ${m.index}`);
    if (text !== undefined) {
      top.text += decode(text);
    } else if (close !== undefined) {
      if (top.name !== close) throw new Error(`</${close}> closes <${top.name}>`);
      stack.pop();
    } else if (open !== undefined) {
      const attrs: Record<string, string> = {};
      for (const [, name, value] of (attrText ?? '').matchAll(/([A-Za-z][\w.-]*)="([^"]*)"/g)) {
        if (name === undefined || name in attrs) throw new Error(`duplicate attribute ${name}`);
        attrs[name] = decode(value ?? '');
      }
      const el: XmlElement = { name: open, attrs, children: [], text: '' };
      top.children.push(el);
      if (selfClose !== '/') stack.push(el);
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)?.name}>`);
  const [doc, ...rest] = root.children;
  if (doc === undefined || rest.length > 0 || root.text.trim() !== '') throw new Error('expected exactly one root element');
  return doc;
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
