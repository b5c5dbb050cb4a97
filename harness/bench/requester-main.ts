/**
 * The cold-start bench's requester (see requester.ts): a process that does nothing but send the requests it is
 * told to, one JSON line each on stdin, and answer each with a JSON line on stdout: its status and how long it
 * took, from sending to the end of the body, timed here.
 */
import { createInterface } from 'node:readline';
import { request } from 'node:http';
import type { RequesterOrder, RequesterReport } from './requester.ts';

function send(o: RequesterOrder): Promise<RequesterReport> {
  const url = new URL(o.url);
  const started = performance.now();
  return new Promise((resolve) => {
    const r = request({
      host: o.via.host, port: o.via.port, path: `${url.pathname}${url.search}`, headers: { host: url.host }, agent: false, timeout: o.timeoutMs,
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      res.on('error', (e) => resolve({ status: 0, ms: performance.now() - started, error: e.message }));
    });
    r.on('timeout', () => r.destroy(new Error(`no response within ${o.timeoutMs / 1000} s`)));
    r.on('error', (e) => resolve({ status: 0, ms: performance.now() - started, error: e.message }));
    r.end();
  });
}

for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(`${JSON.stringify(await send(JSON.parse(line) as RequesterOrder))}\n`);
}
