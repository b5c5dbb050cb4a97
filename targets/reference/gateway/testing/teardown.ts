import type { Server } from 'node:http';
import { rmSync } from 'node:fs';

/** What a gateway test started: stopped in order (the gateway, then its upstream servers), always freeing the addresses and the directory. */
export interface GatewayTestResources {
  gateway: { stop(): Promise<void> } | undefined;
  servers: readonly Server[];
  network: { close(): void } | undefined;
  dir: string;
}

export async function tearDownGatewayTest(r: GatewayTestResources): Promise<void> {
  try {
    await r.gateway?.stop();
    await Promise.all(r.servers.map((s) => new Promise((resolve) => s.close(resolve))));
  } finally {
    r.network?.close();
    rmSync(r.dir, { recursive: true, force: true });
  }
}
