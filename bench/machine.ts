import { cpus, totalmem, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';

/** One line about the machine a benchmark ran on. */
export function describeMachine(): string {
  const cpu = cpus();
  let kernel = '';
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    // not Linux
  }
  return `${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${kernel}, Node ${process.version}, load average at start ${loadavg()[0]?.toFixed(2) ?? '?'}`;
}
