import type { ServerResponse } from 'node:http';

/** A request ran past the revision's timeout. */
export class RequestTimeout extends Error {}
/** The client went away before the answer. */
export class ClientGone extends Error {}

/** A short plain-text answer of the proxy's own, unless the response has already begun. */
export function reply(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) + 1 });
  res.end(`${text}\n`);
}
