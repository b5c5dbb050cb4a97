/** Go's `strconv` parsers as Knative's ConfigMap and annotation readers use them, with Go's error wording. */

export function parseGoInt32(s: string): number | Error {
  if (!/^[+-]?\d+$/.test(s)) return new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (n < -(2 ** 31) || n > 2 ** 31 - 1) return new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

export function parseGoFloat(s: string): number | Error {
  const t = s.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(t);
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export function parseGoBool(s: string): boolean | Error {
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return new Error(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
}
