/**
 * The cold-start bench's requester (see requester.ts): a process that does nothing but send the requests it is
 * told to, one JSON line each on stdin, and answer each with a JSON line on stdout: its status and how long it
 * took, from sending to the end of the body, timed here.
 */
import { createInterface } from 'node:readline';
import { httpRequest } from '../harness/index.ts';
import type { RequesterOrder, RequesterReport } from './requester.ts';

async function send(o: RequesterOrder): Promise<RequesterReport> {
  const started = performance.now();
  try {
    const res = await httpRequest({ url: o.url, via: o.via, timeoutMs: o.timeoutMs });
    return { status: res.status, ms: res.durationMs };
  } catch (e) {
    return { status: 0, ms: performance.now() - started, error: (e as Error).message };
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(`${JSON.stringify(await send(JSON.parse(line) as RequesterOrder))}\n`);
}
