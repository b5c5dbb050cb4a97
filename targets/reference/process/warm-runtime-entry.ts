/**
 * A warm runtime (started by `warm-runtime.ts`): Node, booted ahead of time, waiting to become a container's
 * program. It reads one JSON line, a `WarmAssignment`, from its stdin, takes the container's environment,
 * working directory, argv and compile cache, and runs the script as Node runs a main module. It exits quietly
 * when its stdin ends without an assignment (the pool is stopping).
 */
import { readSync } from 'node:fs';
import module from 'node:module';
import { pathToFileURL } from 'node:url';
import { PRELOAD_ARG, type WarmAssignment } from './warm-protocol.ts';
import { warmUp } from './warm-up.ts';

/**
 * Blocks until a whole line has arrived. Blocking is the point: an idle runtime does nothing, and reading
 * fd 0 directly leaves `process.stdin` unopened, so the program finds fd 0 as the kubelet leaves it: a pipe
 * whose writer has closed it, which reads as end of file, as /dev/null does for a spawned container.
 */
function readLine(): string | undefined {
  const buf = Buffer.alloc(64 * 1024);
  const chunks: Buffer[] = [];
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      continue;
    }
    if (n === 0) return undefined;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    const text = Buffer.concat(chunks).toString('utf8');
    const nl = text.indexOf('\n');
    if (nl >= 0) return text.slice(0, nl);
  }
}

await warmUp();
for (const arg of process.argv.slice(2)) {
  if (!arg.startsWith(PRELOAD_ARG)) continue;
  const file = arg.slice(PRELOAD_ARG.length);
  try {
    await import(pathToFileURL(file).href);
  } catch (e) {
    // Before any take, so into the pool's log; the pool counts it as a failure to boot.
    console.error(`warm runtime ${process.pid}: could not preload ${file}: ${(e as Error).message}`);
    process.exit(1);
  }
}

const line = readLine();
if (line !== undefined) {
  const a = JSON.parse(line) as WarmAssignment;
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, a.env);
  process.chdir(a.cwd);
  process.argv = [process.execPath, ...a.argv];
  process.title = process.argv.join(' ');
  // What NODE_COMPILE_CACHE does at start-up (already done when the pool booted with the same one); as there,
  // NODE_DISABLE_COMPILE_CACHE wins.
  if (a.env.NODE_COMPILE_CACHE && !a.env.NODE_DISABLE_COMPILE_CACHE) module.enableCompileCache(a.env.NODE_COMPILE_CACHE);
  // What `node script` does: the script is the main module (`import.meta.main`), its errors end the process as
  // a main module's do. A plain import() would not make it the main module.
  module.runMain(a.argv[0]);
}
