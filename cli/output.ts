import { styleText } from 'node:util';

/** Terminal or CI: progress is chatty on a terminal and terse in CI (only lines marked important). */
export const interactive = process.stderr.isTTY && !process.env.CI;
const started = Date.now();

export function progress(line: string, important = false): void {
  if (!interactive && !important) return;
  const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(interactive ? `${styleText('dim', `${t}s`)} ${line}\n` : `[${t}s] ${line}\n`);
}

export function fail(message: string): void {
  process.stderr.write(`gauntlet: ${message}\n`);
}
