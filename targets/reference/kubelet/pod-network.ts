import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { cacheRoot } from '../../../lib/tools/cache.ts';
import { processAlive } from '../../../lib/process/process-alive.ts';

/**
 * The reference's own address block. Every pod of the reference gets its own loopback address, so that
 * pod IPs and ports keep their Kubernetes meaning while all pods share the host's network: two pods can
 * both listen on :8080. Linux routes all of 127.0.0.0/8 to `lo`, so any 127.A.B.C can be bound without
 * setup.
 *
 * A reference takes a whole /16, `127.A.0.0/16` with A in 16..250 (clear of 127.0.0.1, 127.0.1.1 and
 * 127.0.0.53, which hosts use), and holds it with a lock file so that two references on one machine never
 * hand out the same address:
 * - `127.A.0.n` is infrastructure (the gateway and the like), see `infraAddress`;
 * - pods get `127.A.1.1` .. `127.A.127.254`, see `allocate`;
 * - each pod address has a twin in the upper half, `127.A.(B+127).C`, its *local address*: in a pod with a
 *   mesh sidecar the sidecar owns the pod IP's ports and the pod's other containers bind the local address
 *   (where a pod's network namespace would give them their own localhost), see `podLocalAddress`.
 */
export interface PodNetwork {
  /** The first two octets, e.g. `127.23`. */
  readonly prefix: string;
  /** `127.A.0.n` (n in 1..254): for the gateway and other infrastructure. */
  infraAddress(n: number): string;
  /** A pod address from `127.A.1.1` upward that no one holds. Throws when the block is exhausted. */
  allocate(): string;
  /** Gives an address back; it is handed out again only after the rest of the block has been used. */
  release(ip: string): void;
  /** Releases the block's lock. */
  close(): void;
}

/**
 * Where the locks live unless told otherwise: the per-user cache's `locks/`, as the reference's launcher
 * uses. Loopback addresses are shared by everything on the machine, so every reference (and every test
 * that runs pods) must take its block in the same directory, or two of them hand out the same addresses.
 */
export function defaultPodNetworkLockDir(): string {
  return join(cacheRoot(), 'locks');
}

/** Third octets 1..127 hold pod addresses, 128..254 their local twins. */
const POD_ROWS = 127;

/** The local twin of a pod address: `127.A.B.C` -> `127.A.(B+127).C`. */
export function podLocalAddress(podIP: string): string {
  const parts = podIP.split('.').map(Number);
  const [a, b, c, d] = parts;
  if (parts.length !== 4 || a !== 127 || b === undefined || c === undefined || d === undefined || c < 1 || c > POD_ROWS) {
    throw new Error(`${podIP} is not a pod address of the reference's pod network (127.A.1-127.x)`);
  }
  return `127.${b}.${c + POD_ROWS}.${d}`;
}

export const FIRST_OCTET_MIN = 16;
export const FIRST_OCTET_MAX = 250;

export interface ReserveOptions {
  /** Octets to try, in order (default 16..250). */
  candidates?: number[];
}

/** Takes the first free /16 by exclusive creation of `lockDir/net-127.A.lock`, which holds this process's pid. */
export function reservePodNetwork(lockDir: string = defaultPodNetworkLockDir(), opts: ReserveOptions = {}): PodNetwork {
  mkdirSync(lockDir, { recursive: true });
  const candidates = opts.candidates ?? range(FIRST_OCTET_MIN, FIRST_OCTET_MAX);
  for (const a of candidates) {
    if (!Number.isInteger(a) || a < 1 || a > 254) throw new Error(`not a usable second octet for 127.A.0.0/16: ${a}`);
    const lockFile = join(lockDir, `net-127.${a}.lock`);
    if (takeLock(lockFile)) return addressBlock(`127.${a}`, lockFile);
  }
  throw new Error(
    `no free pod network: every 127.A.0.0/16 for A in ${candidates[0]}..${candidates.at(-1)} is held by a live process (locks in ${lockDir})`,
  );
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}


function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function youngerThan(file: string, ms: number): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs < ms;
  } catch {
    return false;
  }
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/**
 * Exclusive create; a lock whose pid is dead (or unreadable) is stale and is taken over by moving it aside
 * first, so that of two processes taking over one stale lock only one wins.
 */
function takeLock(lockFile: string): boolean {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      return true;
    } catch (e) {
      if (errno(e) !== 'EEXIST') throw e;
    }
    const holder = readPid(lockFile);
    if (holder !== undefined && processAlive(holder)) return false;
    if (holder === undefined && youngerThan(lockFile, 5000)) return false; // its creator may not have written yet
    const aside = `${lockFile}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(lockFile, aside);
    } catch (e) {
      if (errno(e) === 'ENOENT') continue; // someone else moved it: try again
      throw e;
    }
    const moved = readPid(aside);
    if (moved !== holder && moved !== undefined && processAlive(moved)) {
      // We moved a lock that another process took between our read and our rename: put it back.
      try {
        linkSync(aside, lockFile);
      } catch {
        // a third process holds it now; the block is taken either way
      }
      unlinkSync(aside);
      return false;
    }
    unlinkSync(aside);
  }
  return false;
}

function addressBlock(prefix: string, lockFile: string): PodNetwork {
  const held = new Set<number>();
  // Pod addresses are numbered 0.. over 127.A.1.1 .. 127.A.127.254 (no .0 or .255 in the last octet).
  const perRow = 254;
  const size = POD_ROWS * perRow;
  let cursor = 0;
  const toIp = (i: number) => `${prefix}.${1 + Math.floor(i / perRow)}.${1 + (i % perRow)}`;
  const fromIp = (ip: string): number | undefined => {
    if (!ip.startsWith(`${prefix}.`)) return undefined;
    const [b, c] = ip.slice(prefix.length + 1).split('.').map(Number);
    if (b === undefined || c === undefined || b < 1 || b > POD_ROWS || c < 1 || c > perRow) return undefined;
    return (b - 1) * perRow + (c - 1);
  };
  let closed = false;
  return {
    prefix,
    infraAddress(n) {
      if (!Number.isInteger(n) || n < 1 || n > 254) throw new Error(`infrastructure address index must be 1..254, not ${n}`);
      return `${prefix}.0.${n}`;
    },
    allocate() {
      if (closed) throw new Error(`pod network ${prefix}.0.0/16 is closed`);
      for (let n = 0; n < size; n++) {
        const i = (cursor + n) % size;
        if (!held.has(i)) {
          held.add(i);
          cursor = (i + 1) % size;
          return toIp(i);
        }
      }
      throw new Error(`pod network ${prefix}.0.0/16 is exhausted: ${held.size} addresses held`);
    },
    release(ip) {
      const i = fromIp(ip);
      if (i !== undefined) held.delete(i);
    },
    close() {
      if (closed) return;
      closed = true;
      held.clear();
      if (readPid(lockFile) === process.pid) {
        try {
          unlinkSync(lockFile);
        } catch {
          // already gone
        }
      }
    },
  };
}
