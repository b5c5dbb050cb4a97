import type { IAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { describe, expect, it } from 'vitest';
import { rbacHttpFilters } from './authorization.ts';
import { decide, type TestRequest } from './testing/rbac-eval.ts';

type Spec = NonNullable<IAuthorizationPolicy['spec']>;
const ap = (namespace: string, name: string, spec: Spec): IAuthorizationPolicy => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { namespace, name }, spec });
const httpbin = { namespace: 'foo', labels: { app: 'httpbin', version: 'v1' } };
const from = (ns: string, sa: string) => `spiffe://cluster.local/ns/${ns}/sa/${sa}`;
const sleep = from('default', 'sleep');

type TestPod = { namespace: string; labels: Record<string, string> };

function filters(policies: IAuthorizationPolicy[], pod: TestPod = httpbin, authzIgnored = false) {
  return rbacHttpFilters({ rootNamespace: 'istio-system', authorizationPolicies: policies }, pod, { mutants: { authzIgnored } });
}
/** The decision for each request, in order. */
function decisions(policies: IAuthorizationPolicy[], requests: TestRequest[], pod: TestPod = httpbin): string[] {
  const f = filters(policies, pod);
  return requests.map((r) => decide(f, { method: 'GET', path: '/', port: 8000, ...r }));
}

describe('rbacHttpFilters: which policies, which filters', () => {
  it('has no filter without policies (everything allowed)', () => {
    expect(filters([])).toEqual([]);
  });

  it('docs: `spec: {}` is allow-nothing: an ALLOW filter without policies', () => {
    const f = filters([ap('foo', 'deny-all', {})]);
    expect(f).toEqual([{ name: 'envoy.filters.http.rbac', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC', rules: { action: 'ALLOW', policies: {} } } }]);
    expect(decisions([ap('foo', 'deny-all', {})], [{}, { principal: sleep }])).toEqual(['deny', 'deny']);
  });

  it('docs: allow-all (`rules: [{}]`) allows everything; a DENY `rules: [{}]` denies everything, evaluated first', () => {
    const allowAll = ap('foo', 'allow-all', { action: 'ALLOW', rules: [{}] });
    expect(decisions([allowAll], [{}, { principal: sleep, method: 'POST' }])).toEqual(['allow', 'allow']);
    const f = filters([allowAll, ap('foo', 'deny', { action: 'DENY', rules: [{}] })]);
    expect(f.map((x) => (x as { typed_config: { rules: { action: string } } }).typed_config.rules.action)).toEqual(['DENY', 'ALLOW']);
    expect(decide(f, { method: 'GET', path: '/' })).toBe('deny');
  });

  it('names each rule as istiod does', () => {
    const f = filters([ap('foo', 'p', { rules: [{}, {}] })]) as { typed_config: { rules: { policies: object } } }[];
    expect(Object.keys(f[0]!.typed_config.rules.policies)).toEqual(['ns[foo]-policy[p]-rule[0]', 'ns[foo]-policy[p]-rule[1]']);
  });

  it('applies root-namespace policies to every namespace, namespace ones to their namespace, selectors to matching labels', () => {
    const denyAll = (ns: string, selector?: Record<string, string>) => ap(ns, 'x', { action: 'DENY', rules: [{}], ...(selector ? { selector: { matchLabels: selector } } : {}) });
    expect(decisions([denyAll('istio-system')], [{}])).toEqual(['deny']);
    expect(decisions([denyAll('istio-system', { app: 'httpbin' })], [{}])).toEqual(['deny']);
    expect(decisions([denyAll('bar')], [{}])).toEqual(['allow']);
    expect(decisions([denyAll('foo', { app: 'products' })], [{}])).toEqual(['allow']);
    expect(decisions([denyAll('foo', { app: 'httpbin', version: 'v1' })], [{}])).toEqual(['deny']);
  });

  it('leaves out policies bound by targetRef(s): Istio binds those to gateways and waypoints, not sidecars', () => {
    const ref = { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'gw' };
    expect(filters([ap('foo', 'a', { action: 'DENY', rules: [{}], targetRefs: [ref] }), ap('foo', 'b', { action: 'DENY', rules: [{}], targetRef: ref })])).toEqual([]);
  });

  it('turns a CUSTOM policy (no extension provider in this mesh) into a deny-all as istiod does; AUDIT decides nothing', () => {
    expect(decisions([ap('foo', 'ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/x'] } }] }] })], [{ path: '/y' }])).toEqual(['deny']);
    expect(filters([ap('foo', 'audit', { action: 'AUDIT', rules: [{}] })])).toEqual([]);
  });

  it('has no filter at all with the authzIgnored mutant', () => {
    expect(filters([ap('foo', 'deny-all', {})], httpbin, true)).toEqual([]);
  });
});

describe('rbacHttpFilters: rules, as the examples of Istio\'s docs read', () => {
  it('docs httpbin: principals or namespaces, GET only', () => {
    const p = ap('foo', 'httpbin', { selector: { matchLabels: { app: 'httpbin', version: 'v1' } }, action: 'ALLOW', rules: [{
      from: [{ source: { principals: ['cluster.local/ns/default/sa/sleep'] } }, { source: { namespaces: ['dev'] } }],
      to: [{ operation: { methods: ['GET'] } }],
    }] });
    expect(decisions([p], [
      { principal: sleep }, { principal: sleep, method: 'POST' }, { principal: from('dev', 'anyone') }, { principal: from('prod', 'sleep') }, {},
    ])).toEqual(['allow', 'deny', 'allow', 'deny', 'deny']);
  });

  it('docs httpbin-deny: DENY notNamespaces [foo] denies other namespaces and plaintext', () => {
    const p = ap('foo', 'httpbin-deny', { action: 'DENY', rules: [{ from: [{ source: { notNamespaces: ['foo'] } }] }] });
    expect(decisions([p], [{ principal: from('foo', 'a') }, { principal: from('bar', 'a') }, {}])).toEqual(['allow', 'deny', 'deny']);
  });

  it('docs tester: paths with a prefix and a suffix wildcard; the query is not part of the path', () => {
    const p = ap('default', 'tester', { rules: [{ to: [{ operation: { paths: ['/test/*', '*/info'] } }] }] });
    const pod = { namespace: 'default', labels: {} };
    expect(decisions([p], [{ path: '/test/a' }, { path: '/x/info?y=1' }, { path: '/other' }], pod)).toEqual(['allow', 'allow', 'deny']);
  });

  it('docs allow-read: GET and HEAD only, for the selected workload only', () => {
    const p = ap('foo', 'allow-read', { selector: { matchLabels: { app: 'httpbin' } }, action: 'ALLOW', rules: [{ to: [{ operation: { methods: ['GET', 'HEAD'] } }] }] });
    expect(decisions([p], [{ method: 'HEAD' }, { method: 'POST' }])).toEqual(['allow', 'deny']);
    expect(decisions([p], [{ method: 'POST' }], { namespace: 'foo', labels: { app: 'products' } })).toEqual(['allow']);
  });

  it('docs: principals ["*"] allows any authenticated (mTLS) caller only; prefix and suffix wildcards', () => {
    const rule = (principals: string[]) => [ap('foo', 'p', { rules: [{ from: [{ source: { principals } }] }] })];
    expect(decisions(rule(['*']), [{ principal: sleep }, {}])).toEqual(['allow', 'deny']);
    expect(decisions(rule(['cluster.local/ns/default/*']), [{ principal: sleep }, { principal: from('other', 'sleep') }])).toEqual(['allow', 'deny']);
    expect(decisions(rule(['*/sa/sleep']), [{ principal: from('x', 'sleep') }, { principal: from('x', 'sleeper') }])).toEqual(['allow', 'deny']);
  });

  it('matches notPrincipals, serviceAccounts (in the policy\'s namespace unless named), hosts (any case), ports, ipBlocks', () => {
    expect(decisions([ap('foo', 'p', { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['cluster.local/ns/default/sa/sleep'] } }] }] })], [{ principal: sleep }, { principal: from('default', 'x') }])).toEqual(['allow', 'deny']);
    expect(decisions([ap('foo', 'p', { rules: [{ from: [{ source: { serviceAccounts: ['alice', 'bar/bob'] } }] }] })], [
      { principal: from('foo', 'alice') }, { principal: from('bar', 'alice') }, { principal: from('bar', 'bob') },
    ])).toEqual(['allow', 'deny', 'allow']);
    expect(decisions([ap('foo', 'p', { rules: [{ to: [{ operation: { hosts: ['*.Example.com'], ports: ['8000'] } }] }] })], [
      { host: 'api.example.COM' }, { host: 'api.example.com', port: 9000 }, { host: 'other.org' },
    ])).toEqual(['allow', 'deny', 'deny']);
    expect(decisions([ap('foo', 'p', { rules: [{ from: [{ source: { ipBlocks: ['10.1.0.0/16', '192.168.0.7'] } }] }] })], [
      { sourceIp: '10.1.2.3' }, { sourceIp: '192.168.0.7' }, { sourceIp: '10.2.0.1' },
    ])).toEqual(['allow', 'allow', 'deny']);
  });

  it('docs: `when` on request.headers[version]; other conditions on the source and the destination', () => {
    const p = ap('foo', 'p', { rules: [{ to: [{ operation: { methods: ['GET'] } }], when: [{ key: 'request.headers[version]', values: ['v1', 'v2'] }, { key: 'destination.port', notValues: ['9000'] }] }] });
    expect(decisions([p], [{ headers: { version: 'v2' } }, { headers: { version: 'v3' } }, { headers: { version: 'v1' }, port: 9000 }])).toEqual(['allow', 'deny', 'deny']);
    const q = ap('foo', 'q', { rules: [{ when: [{ key: 'source.namespace', values: ['default'] }, { key: 'source.principal', values: ['*/sa/sleep'] }] }] });
    expect(decisions([q], [{ principal: sleep }, { principal: from('default', 'other') }])).toEqual(['allow', 'deny']);
  });
});

describe('rbacHttpFilters: what cannot be translated fails closed, as istiod does', () => {
  it('drops an ALLOW rule using request principals or a JWT claim: docs examples allow nothing here (no RequestAuthentication)', () => {
    const jwtHealthz = ap('default', 'disable-jwt-for-healthz', { rules: [{ to: [{ operation: { notPaths: ['/healthz'] } }], from: [{ source: { requestPrincipals: ['*'] } }] }] });
    const claims = ap('foo', 'httpbin', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/sleep'] } }], when: [{ key: 'request.auth.claims[iss]', values: ['https://accounts.google.com'] }] }] });
    const f = filters([jwtHealthz, claims], { namespace: 'default', labels: {} });
    expect(f).toHaveLength(1);
    expect((f[0] as { typed_config: { rules: { policies: object } } }).typed_config.rules.policies).toEqual({});
    expect(decisions([claims], [{ principal: sleep }])).toEqual(['deny']);
  });

  it('ignores only the untranslatable part of a DENY rule, so it denies more: docs enable-jwt-for-admin', () => {
    const p = ap('foo', 'enable-jwt-for-admin', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin'] } }], from: [{ source: { notRequestPrincipals: ['*'] } }] }] });
    expect(decisions([p], [{ path: '/admin' }, { path: '/public' }])).toEqual(['deny', 'allow']);
  });

  it('treats unknown condition keys, path templates and bad ports or CIDRs the same way', () => {
    const allow = (rule: NonNullable<Spec['rules']>[number]) => decisions([ap('foo', 'p', { rules: [rule] })], [{ path: '/a/b', sourceIp: '10.0.0.1' }])[0];
    expect(allow({ when: [{ key: 'no.such.attribute', values: ['x'] }] })).toBe('deny');
    expect(allow({ to: [{ operation: { paths: ['/a/{*}'] } }] })).toBe('deny');
    expect(allow({ to: [{ operation: { ports: ['http'] } }] })).toBe('deny');
    expect(allow({ from: [{ source: { ipBlocks: ['10.0.0.0/99'] } }] })).toBe('deny');
    const deny = (rule: NonNullable<Spec['rules']>[number]) => decisions([ap('foo', 'p', { action: 'DENY', rules: [rule] })], [{ path: '/ok', method: 'GET' }])[0];
    expect(deny({ to: [{ operation: { methods: ['GET'], ports: ['http'] } }] })).toBe('deny');
    expect(deny({ to: [{ operation: { methods: ['POST'] } }], when: [{ key: 'experimental.envoy.filters.a.b[c]', values: ['x'] }] })).toBe('allow');
  });

  it('says what it could not translate and how it handled it', () => {
    const warnings: string[] = [];
    rbacHttpFilters({ rootNamespace: 'istio-system', authorizationPolicies: [
      ap('foo', 'jwt', { rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] }),
      ap('foo', 'deny', { action: 'DENY', rules: [{}, { when: [{ key: 'request.auth.claims[iss]', values: ['x'] }] }] }),
      ap('foo', 'ext', { action: 'CUSTOM', rules: [{}] }),
    ] }, httpbin, { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      'AuthorizationPolicy foo/deny rule 1: condition request.auth.claims[iss] "x" is not supported: ignored, the DENY rule matches more',
      'AuthorizationPolicy foo/ext: CUSTOM needs an extension provider, which this mesh has not: denying all requests, as istiod does',
      'AuthorizationPolicy foo/jwt rule 0: requestPrincipals (the mesh has no RequestAuthentication) "*" is not supported: the ALLOW rule matches nothing',
    ]);
  });

  it('escapes regex characters so that an odd value cannot break the listener', () => {
    const p = ap('foo', 'p', { rules: [{ from: [{ source: { principals: ['*/sa/a(b'], namespaces: ['ns.(x*'] } }] }] });
    expect(decisions([p], [{ principal: 'spiffe://cluster.local/ns/ns.(xy/sa/a(b' }, { principal: 'spiffe://cluster.local/ns/nsa(xy/sa/a(b' }])).toEqual(['allow', 'deny']);
  });
});
