/**
 * A process of its own for the cold-start bench's request: the bench process also watches the pod and the
 * Deployment, and parsing their updates (or collecting its garbage) in the moment the response arrives would
 * land in the figure. The requester times the request itself and does nothing else.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { GatewayAddress } from '../harness/index.ts';

export interface RequesterOrder {
  url: string;
  via: GatewayAddress;
  timeoutMs: number;
}

export interface RequesterReport {
  status: number;
  /** From sending the request to the end of the response's body. */
  ms: number;
  error?: string;
}

export interface Requester {
  send(order: RequesterOrder): Promise<RequesterReport>;
  stop(): void;
}

const MAIN = fileURLToPath(new URL('./requester-main.ts', import.meta.url));

export function startRequester(): Requester {
  const child = spawn(process.execPath, [MAIN], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.on('error', () => undefined); // it died: 'exit' answers whoever waits
  const waiting: ((r: RequesterReport) => void)[] = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line) as RequesterReport));
  const failAll = (why: string) => {
    for (const w of waiting.splice(0)) w({ status: 0, ms: NaN, error: why });
  };
  child.on('exit', (code, signal) => failAll(`the requester exited (${signal ?? code})`));
  child.on('error', (e) => failAll(`the requester could not start: ${e.message}`));
  return {
    send(order) {
      return new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin.write(`${JSON.stringify(order)}\n`);
      });
    },
    stop() {
      lines.close();
      child.kill('SIGKILL');
    },
  };
}
