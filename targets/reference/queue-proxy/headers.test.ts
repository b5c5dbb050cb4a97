import { describe, expect, it } from 'vitest';
import { endToEndRaw, forwardedFromXff, userRequestHeaders } from './headers.ts';

describe('headers the queue-proxy sends the user container', () => {
  it('drops hop-by-hop headers, the activator\'s revision headers, and puts K-Original-Host back as Host', () => {
    const out = userRequestHeaders({
      host: '127.16.1.4:8012',
      connection: 'keep-alive, x-hop',
      'x-hop': '1',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'knative-serving-revision': 'hello-00001',
      'knative-serving-namespace': 'ns',
      'k-original-host': 'hello.ns.example.com',
      'k-proxy-request': 'activator',
      forwarded: 'for=1.2.3.4;proto=http',
      'x-forwarded-for': '1.2.3.4',
      'x-custom': 'kept',
    });
    expect(out).toEqual({
      host: 'hello.ns.example.com',
      'k-proxy-request': 'activator',
      forwarded: 'for=1.2.3.4;proto=http',
      'x-forwarded-for': '1.2.3.4',
      'x-custom': 'kept',
    });
  });

  it('shims Forwarded from X-Forwarded-* when it is missing, as Knative\'s ForwardedShimHandler does', () => {
    expect(forwardedFromXff({ 'x-forwarded-for': '1.2.3.4, 10.0.0.1', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'a.example' }))
      .toBe('for=1.2.3.4;host=a.example;proto=https, for=10.0.0.1');
    expect(forwardedFromXff({ 'x-forwarded-for': '2001:db8::1' })).toBe('for="[2001:db8::1]"');
    expect(forwardedFromXff({ 'x-forwarded-proto': 'http' })).toBe('proto=http');
    expect(forwardedFromXff({})).toBeUndefined();
    expect(forwardedFromXff({ forwarded: 'for=x', 'x-forwarded-for': '1.2.3.4' })).toBeUndefined();
    expect(userRequestHeaders({ host: 'h', 'x-forwarded-for': '1.2.3.4' }).forwarded).toBe('for=1.2.3.4');
  });

  it('drops hop-by-hop response headers and keeps repeated ones', () => {
    expect(endToEndRaw(['Content-Type', 'a', 'Connection', 'close, X-Secret', 'X-Secret', 's', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Transfer-Encoding', 'chunked']))
      .toEqual(['Content-Type', 'a', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
  });
});
