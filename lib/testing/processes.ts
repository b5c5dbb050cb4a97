import { readdirSync, readFileSync } from 'node:fs';
import { execaSync } from 'execa';

export interface Proc {
  pid: number;
  ppid: number;
  cmd: string;
}

export function processes(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      out.push({ pid: Number(entry), ppid, cmd });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** Every process whose parent chain leads to `root` (root included). */
export function descendants(root: number): Proc[] {
  const all = processes();
  const found = new Map<number, Proc>();
  const self = all.find((p) => p.pid === root);
  if (self) found.set(root, self);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.set(p.pid, p);
        grew = true;
      }
    }
  }
  return [...found.values()];
}

export { processAlive as alive } from '../process/process-alive.ts';

/** TCP ports the given processes listen on (from `ss`). */
export function listeningPorts(pids: number[]): { address: string; port: number; pid: number }[] {
  const out = execaSync('ss', ['-ltnpH']).stdout;
  const wanted = new Set(pids);
  const ports: { address: string; port: number; pid: number }[] = [];
  for (const line of out.split('\n')) {
    const local = line.trim().split(/\s+/)[3] ?? '';
    for (const m of line.matchAll(/pid=(\d+)/g)) {
      const pid = Number(m[1]);
      const i = local.lastIndexOf(':');
      if (wanted.has(pid)) ports.push({ address: local.slice(0, i), port: Number(local.slice(i + 1)), pid });
    }
  }
  return ports;
}
