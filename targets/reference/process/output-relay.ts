import { closeSync, openSync, writeSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Readable } from 'node:stream';

/**
 * What a container shim does for a process started before its log file is known: its stdout and stderr are
 * pipes, and every chunk read from them is appended to the current file, which `redirect` changes. Chunks are
 * written synchronously as they arrive, so nothing waits in this process once a chunk has been read.
 */
export interface OutputRelay {
  /** Appends what is read from now on to `file` (opened for appending first: throws if it cannot be). */
  redirect(file: string): void;
  /** Resolves once every stream has ended (every writer of the pipes has closed them) and the file is closed. */
  readonly ended: Promise<void>;
}

export function relayOutput(streams: Readable[], file: string): OutputRelay {
  let fd: number | undefined = openSync(file, 'a');
  const write = (chunk: Buffer) => {
    if (fd === undefined) return;
    try {
      for (let off = 0; off < chunk.length;) off += writeSync(fd, chunk, off);
    } catch {
      // a full disk or a removed log directory: the output is lost, the process is not disturbed
    }
  };
  for (const s of streams) s.on('data', write);
  const ended = Promise.all(streams.map((s) => finished(s).catch(() => undefined))).then(() => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  });
  return {
    ended,
    redirect(next) {
      const opened = openSync(next, 'a');
      if (fd === undefined) {
        closeSync(opened); // nothing more will be read
        return;
      }
      closeSync(fd);
      fd = opened;
    },
  };
}
