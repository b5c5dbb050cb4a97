/**
 * What a warm runtime does while it waits for its program: the first-time work of Node's HTTP stack, done ahead.
 * Node compiles built-in modules and functions on first use, so a fresh process pays for its first `listen` and
 * its first request and response: ~20 ms of CPU, measured here, on the critical path of every cold start. A
 * warm runtime loads those modules and serves a few requests to itself over loopback, then closes everything;
 * the program it becomes finds a process with no server, socket, timer or listener of the warm-up's left.
 *
 * Built-ins are shared by every module of a process, so loading them early is invisible to the program, with one
 * exception taken care of by the pool: variables that Node reads when a module loads (`NODE_DEBUG`) are in
 * `STARTUP_ENV`, and a program whose value differs is spawned.
 */
import type { Socket } from 'node:net';

/** Built-in modules the image map's programs load: node:http through import() too, which builds its ES module namespace. */
const BUILTINS = ['node:http', 'node:net', 'node:os', 'node:path', 'node:url', 'node:dns', 'node:cluster'];
/** Requests a warm-up sends itself: V8 runs new code in its interpreter first and optimises what runs again. */
const EXCHANGES = 3;
/** The warm-up gives up after this long (a busy machine): the runtime is still usable, just less warm. */
const LIMIT_MS = 2000;

export async function warmUp(host = '127.0.0.1'): Promise<void> {
  for (const m of BUILTINS) process.getBuiltinModule(m);
  await import('node:http');
  // A listen on an address runs net's IP checks, whose regular expressions V8 compiles on first use.
  const net = process.getBuiltinModule('node:net');
  for (const a of ['::1', '127.0.0.1', 'fe80::1%lo', 'localhost']) net.isIP(a);
  const http = process.getBuiltinModule('node:http');
  const server = http.createServer((req, res) => {
    req.resume();
    res.setHeader('content-type', 'text/plain');
    res.end('warm');
  });
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => sockets.add(socket));
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, LIMIT_MS)));
  const exchange = async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as { port: number };
    for (let i = 0; i < EXCHANGES; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = http.request({ host, port, path: '/', method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', resolve);
          res.on('error', reject);
        });
        req.on('socket', (socket) => sockets.add(socket));
        req.on('error', reject);
        req.end('{}');
      });
    }
  };
  try {
    await Promise.race([exchange(), limit]);
  } catch {
    // No loopback to bind here: the built-ins are loaded all the same.
  } finally {
    clearTimeout(timer);
    // Closed, not closing: the runtime then blocks reading its assignment, and the program must not inherit them.
    const closed = [...sockets].filter((socket) => !socket.closed).map((socket) => new Promise((resolve) => socket.once('close', resolve)));
    agent.destroy();
    for (const socket of sockets) socket.destroy();
    await Promise.all(closed);
    if (server.listening) await new Promise((resolve) => server.close(resolve));
    // libuv lets go of a closed handle in the close phase of the loop's next turn: gone after two more turns.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  }
}
