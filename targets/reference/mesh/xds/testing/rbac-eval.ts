/**
 * A test's reading of Envoy RBAC HTTP filter configs, as Envoy's docs define them (config.rbac.v3): enough to
 * state the policy cases of Istio's docs as "this request is allowed / denied". The integration test checks
 * the same translation against a real Envoy; this evaluator lets the unit tests cover many more cases. It throws
 * on any matcher it does not know, so a shape the translation should not produce fails the test.
 */
export interface TestRequest {
  /** The peer certificate's URI SAN; absent on a plaintext connection. */
  principal?: string;
  method?: string;
  path?: string;
  host?: string;
  port?: number;
  sourceIp?: string;
  sni?: string;
  headers?: Record<string, string>;
}

type Json = Record<string, unknown>;

export function decide(filters: object[], req: TestRequest): 'allow' | 'deny' {
  for (const f of filters as { typed_config: { rules: { action?: string; policies?: Record<string, { permissions: Json[]; principals: Json[] }> } } }[]) {
    const { action = 'ALLOW', policies = {} } = f.typed_config.rules;
    const matched = Object.values(policies).some((p) => p.permissions.some((x) => permission(x, req)) && p.principals.some((x) => principal(x, req)));
    if ((action === 'DENY') === matched) return 'deny';
  }
  return 'allow';
}

function permission(p: Json, req: TestRequest): boolean {
  const [key, v] = only(p);
  switch (key) {
    case 'any': return true;
    case 'and_rules': return (v as { rules: Json[] }).rules.every((x) => permission(x, req));
    case 'or_rules': return (v as { rules: Json[] }).rules.some((x) => permission(x, req));
    case 'not_rule': return !permission(v as Json, req);
    case 'header': return header(v as Json, req);
    case 'url_path': return string((v as { path: Json }).path, req.path?.split('?')[0]);
    case 'destination_port': return req.port === v;
    case 'requested_server_name': return string(v as Json, req.sni);
  }
  throw new Error(`unknown permission ${key}`);
}

function principal(p: Json, req: TestRequest): boolean {
  const [key, v] = only(p);
  switch (key) {
    case 'any': return true;
    case 'and_ids': return (v as { ids: Json[] }).ids.every((x) => principal(x, req));
    case 'or_ids': return (v as { ids: Json[] }).ids.some((x) => principal(x, req));
    case 'not_id': return !principal(v as Json, req);
    case 'authenticated': return req.principal !== undefined && string((v as { principal_name: Json }).principal_name, req.principal);
    case 'direct_remote_ip': case 'remote_ip': return inCidr(req.sourceIp, v as { address_prefix: string; prefix_len: number });
    case 'header': return header(v as Json, req);
  }
  throw new Error(`unknown principal ${key}`);
}

function header(m: Json, req: TestRequest): boolean {
  const name = String(m.name);
  const value = name === ':method' ? req.method : name === ':authority' ? req.host : req.headers?.[name.toLowerCase()];
  if (m.present_match === true) return value !== undefined;
  if (m.string_match) return string(m.string_match as Json, value);
  throw new Error(`unknown header matcher ${JSON.stringify(m)}`);
}

function string(m: Json, value: string | undefined): boolean {
  if (value === undefined) return false;
  const fold = (s: string) => (m.ignore_case ? s.toLowerCase() : s);
  const v = fold(value);
  if (typeof m.exact === 'string') return v === fold(m.exact);
  if (typeof m.prefix === 'string') return v.startsWith(fold(m.prefix));
  if (typeof m.suffix === 'string') return v.endsWith(fold(m.suffix));
  const regex = (m.safe_regex as { regex?: string } | undefined)?.regex;
  if (typeof regex === 'string') return new RegExp(`^(?:${regex})$`).test(value);
  throw new Error(`unknown string matcher ${JSON.stringify(m)}`);
}

function inCidr(ip: string | undefined, c: { address_prefix: string; prefix_len: number }): boolean {
  const n = (a: string) => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  if (!ip || !/^[\d.]+$/.test(ip) || !/^[\d.]+$/.test(c.address_prefix)) return false;
  const block = 2 ** (32 - c.prefix_len);
  return Math.floor(n(ip) / block) === Math.floor(n(c.address_prefix) / block);
}

function only(o: Json): [string, unknown] {
  const entries = Object.entries(o);
  if (entries.length !== 1) throw new Error(`expected one matcher in ${JSON.stringify(o)}`);
  return entries[0]!;
}
