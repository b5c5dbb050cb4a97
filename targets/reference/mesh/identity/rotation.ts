import type { ProxyFiles } from '../layout.ts';
import type { MeshCa, WorkloadCertificate } from './ca.ts';
import { writeSdsSecrets } from './sds-files.ts';

/**
 * What istio-agent does for each sidecar: get a certificate for the pod's identity at start, put it where Envoy
 * reads it (here: the proxy's SDS files), and get a new one when part of its lifetime has passed.
 */

export interface RotatedWorkload {
  namespace: string;
  pod: string;
  serviceAccount: string;
  files: ProxyFiles;
  /** The certificates' lifetime (Istio: SECRET_TTL, see `workloadCertTtl`); the rotator's default when absent. */
  lifetimeMs?: number;
}

export interface IssuedEvent {
  namespace: string;
  pod: string;
  spiffeId: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  issuedAt: Date;
  /** 1 for the workload's first certificate, 2 for its first rotation, … */
  generation: number;
}

export interface RotatorMutants {
  /** Issue each workload's certificate once and never again: it expires, and mTLS with the workload fails. */
  certsNeverRotate?: boolean;
}

export interface RotatorOptions {
  ca: MeshCa;
  /** Default 24 h, Istio's SECRET_TTL. */
  defaultLifetimeMs?: number;
  /**
   * The part of a certificate's lifetime after which it is replaced (default 0.5; istio-agent rotates when
   * `SECRET_GRACE_PERIOD_RATIO` = 0.5 of it remains, i.e. this is 1 - that ratio).
   */
  rotateAtFraction?: number;
  /** How long after a failed issue or write it is tried again (default 1 s). */
  retryMs?: number;
  onIssued?: (event: IssuedEvent) => void;
  onError?: (workload: { namespace: string; pod: string }, error: Error) => void;
  mutants?: RotatorMutants;
}

export const DEFAULT_SECRET_TTL_MS = 24 * 3_600_000;

/** Node's timers fire at once beyond this delay (2^31 - 1 ms, about 24.8 days): longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How long from `now` until a certificate issued at `issuedAt` and expiring at `notAfter` is due for rotation. */
export function rotationDelayMs(cert: Pick<WorkloadCertificate, 'issuedAt' | 'notAfter'>, fraction: number, now = Date.now()): number {
  const issued = cert.issuedAt.getTime();
  return Math.max(0, issued + fraction * (cert.notAfter.getTime() - issued) - now);
}

interface Entry {
  workload: RotatedWorkload;
  lifetimeMs: number;
  generation: number;
  current?: IssuedEvent;
  /** The first issue, while under way. */
  pending?: Promise<IssuedEvent>;
  timer?: NodeJS.Timeout;
  gone: boolean;
}

export class CertificateRotator {
  private readonly opts: RotatorOptions;
  private readonly fraction: number;
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(opts: RotatorOptions) {
    const fraction = opts.rotateAtFraction ?? 0.5;
    if (!(fraction > 0 && fraction <= 1)) throw new Error(`rotateAtFraction must be in (0, 1], not ${fraction}`);
    this.opts = opts;
    this.fraction = fraction;
  }

  /**
   * Issues the workload's certificate and writes its SDS files; resolves once they are written. Registering
   * a workload again with the same identity, lifetime and files keeps its certificate; otherwise it gets a
   * new one at once.
   */
  async register(workload: RotatedWorkload): Promise<IssuedEvent> {
    if (this.closed) throw new Error('the certificate rotator is closed');
    const k = key(workload);
    const lifetimeMs = workload.lifetimeMs ?? this.opts.defaultLifetimeMs ?? DEFAULT_SECRET_TTL_MS;
    const existing = this.entries.get(k);
    if (existing && sameIdentity(existing, workload, lifetimeMs)) return existing.current ?? existing.pending!;
    if (existing) this.drop(existing);
    const entry: Entry = { workload, lifetimeMs, generation: 0, gone: false };
    this.entries.set(k, entry);
    entry.pending = this.issue(entry);
    try {
      return await entry.pending;
    } catch (e) {
      this.drop(entry);
      throw e;
    } finally {
      entry.pending = undefined;
    }
  }

  /** Stops rotating the pod's certificate (its files stay: the proxy directory is the controller's). */
  unregister(namespace: string, pod: string): void {
    const k = key({ namespace, pod });
    const entry = this.entries.get(k);
    if (entry) this.drop(entry);
  }

  /** The pod's latest certificate. */
  current(namespace: string, pod: string): IssuedEvent | undefined {
    return this.entries.get(key({ namespace, pod }))?.current;
  }

  close(): void {
    this.closed = true;
    for (const entry of [...this.entries.values()]) this.drop(entry);
  }

  private drop(entry: Entry): void {
    entry.gone = true;
    clearTimeout(entry.timer);
    const k = key(entry.workload);
    if (this.entries.get(k) === entry) this.entries.delete(k);
  }

  private async issue(entry: Entry): Promise<IssuedEvent> {
    const { workload } = entry;
    const cert = await this.opts.ca.issueWorkload({ namespace: workload.namespace, serviceAccount: workload.serviceAccount, lifetimeMs: entry.lifetimeMs });
    if (entry.gone) throw new Error(`${workload.namespace}/${workload.pod} was unregistered while its certificate was issued`);
    writeSdsSecrets(workload.files, { certChainPem: cert.certChainPem, keyPem: cert.keyPem, trustAnchorsPem: this.opts.ca.trustAnchorsPem });
    entry.generation += 1;
    const event: IssuedEvent = {
      namespace: workload.namespace, pod: workload.pod, spiffeId: cert.spiffeId, serial: cert.serial,
      notBefore: cert.notBefore, notAfter: cert.notAfter, issuedAt: cert.issuedAt, generation: entry.generation,
    };
    entry.current = event;
    if (!this.opts.mutants?.certsNeverRotate) this.schedule(entry, rotationDelayMs(cert, this.fraction));
    this.opts.onIssued?.(event);
    return event;
  }

  private schedule(entry: Entry, delayMs: number): void {
    clearTimeout(entry.timer);
    if (entry.gone) return;
    if (delayMs > MAX_TIMER_MS) {
      entry.timer = setTimeout(() => this.schedule(entry, delayMs - MAX_TIMER_MS), MAX_TIMER_MS).unref();
      return;
    }
    entry.timer = setTimeout(() => void this.rotate(entry), delayMs).unref();
  }

  private async rotate(entry: Entry): Promise<void> {
    try {
      await this.issue(entry);
    } catch (e) {
      if (entry.gone) return;
      this.opts.onError?.({ namespace: entry.workload.namespace, pod: entry.workload.pod }, e as Error);
      this.schedule(entry, this.opts.retryMs ?? 1000);
    }
  }
}

function key(w: { namespace: string; pod: string }): string {
  return `${w.namespace}/${w.pod}`;
}

function sameIdentity(entry: Entry, w: RotatedWorkload, lifetimeMs: number): boolean {
  return entry.workload.serviceAccount === w.serviceAccount && entry.workload.files.dir === w.files.dir && entry.lifetimeMs === lifetimeMs;
}
