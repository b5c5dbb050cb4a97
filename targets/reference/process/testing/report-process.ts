/**
 * A test program for warm-runtime.test.ts: prints, as one JSON line, what it was started with; writes a line to
 * stderr and `BULK_BYTES` bytes more to stdout; then exits with `EXIT_CODE`, or keeps running with `STAY`.
 */
import module from 'node:module';

const report = {
  env: process.env, argv: process.argv, execArgv: process.execArgv, cwd: process.cwd(), main: import.meta.main,
  compileCache: module.getCompileCacheDir() ?? null,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
process.stderr.write('a line on stderr\n');
const bulk = Number(process.env.BULK_BYTES ?? 0);
if (bulk > 0) process.stdout.write(`${'x'.repeat(bulk - 1)}\n`);
if (process.env.STAY) setInterval(() => undefined, 60_000);
else process.exitCode = Number(process.env.EXIT_CODE ?? 0);
