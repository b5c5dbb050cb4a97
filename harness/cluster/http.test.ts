import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpAttempt, httpRequest } from './http.ts';

// Answers its headers at once and the body after ?body= ms; /hang never answers.
let server: Server;
let via: { host: string; port: number; source: string };
beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/hang') return;
    res.writeHead(200, { 'x-host': req.headers.host ?? '' });
    res.flushHeaders();
    void sleep(Number(url.searchParams.get('body') ?? 0)).then(() => res.end('done'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  via = { host: '127.0.0.1', port: (server.address() as AddressInfo).port, source: 'test' };
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('httpRequest', () => {
  it('sends the URL\'s host through `via` and times the first byte apart from the end of the body', async () => {
    const before = Date.now();
    const res = await httpRequest({ url: 'http://svc.example.com/?body=300', via });
    expect(res.status).toBe(200);
    expect(res.headers['x-host']).toBe('svc.example.com');
    expect(res.body).toBe('done');
    expect(res.sentAt).toBeGreaterThanOrEqual(before);
    expect(res.sentAt).toBeLessThanOrEqual(Date.now());
    // The headers come at once, the body 300 ms later.
    expect(res.durationMs - res.firstByteMs).toBeGreaterThanOrEqual(250);
    expect(res.firstByteMs).toBeGreaterThan(0);
  });

  it('rejects when no response comes in time', async () => {
    await expect(httpRequest({ url: 'http://svc.example.com/hang', via, timeoutMs: 200 })).rejects.toThrow(/no response from .* within 0.2 s/);
  });
});

describe('httpAttempt', () => {
  it('gives the response as httpRequest does', async () => {
    const res = await httpAttempt({ url: 'http://svc.example.com/', via });
    expect(res.status).toBe(200);
    expect(res.error).toBeUndefined();
    expect(res.firstByteMs).toBeTypeOf('number');
  });

  it('never rejects: no response is status 0 with the error, timed from the send', async () => {
    const res = await httpAttempt({ url: 'http://svc.example.com/hang', via, timeoutMs: 200 });
    expect(res).toMatchObject({ status: 0, body: '', headers: {} });
    expect(res.error).toMatch(/no response from .* within 0.2 s/);
    expect(res.firstByteMs).toBeUndefined();
    expect(res.durationMs).toBeGreaterThanOrEqual(190);
  });

  it('gives an abort as no response too', async () => {
    const res = await httpAttempt({ url: 'http://svc.example.com/hang', via, signal: AbortSignal.timeout(100) });
    expect(res.status).toBe(0);
    expect(res.error).toBeDefined();
  });
});
