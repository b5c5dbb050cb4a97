/**
 * The queue-proxy's library modules, not its main: the kubelet's warm runtimes import them ahead (every revision
 * pod runs a queue-proxy, and loading its modules is most of its start: ~10 ms of CPU with the compile cache).
 * Importing them has no side effect; `main.ts` reads the environment and starts the proxy.
 */
import { fileURLToPath } from 'node:url';

export const QUEUE_PROXY_MODULES: readonly string[] = ['./queue-proxy.ts', './config.ts'].map((m) => fileURLToPath(new URL(m, import.meta.url)));
