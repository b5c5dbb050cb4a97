/**
 * A deterministic simulation of one revision under the reference's KPA: simulated clock, traffic, pods and
 * activator, driving the same pure pieces the controller drives (metric windows, decider, PA reconcile),
 * the decider every second and the PA reconcile every `stepMs` (the controller reconciles on ticks and on
 * its scale-to-zero timers). For unit tests and for reasoning about timing.
 */
import type { SksMode } from '../serving/dataplane.ts';
import { decide, newDeciderState, type Decision, type DeciderState } from './algorithm.ts';
import { planKpa, type ConditionStatus, type KpaPlan } from './kpa-scale.ts';
import { RevisionMetrics } from './metrics.ts';
import type { RevisionScaling } from './scaling.ts';

export interface SimOptions {
  scaling: RevisionScaling;
  /** Total concurrency offered to the revision at a time (ms since start). */
  traffic: (tMs: number) => number;
  /** The Deployment's replicas at the start. */
  replicas?: number;
  /** How long a new pod takes to become ready. */
  podStartMs?: number;
  /** How often the PA is reconciled (the decider ticks every second regardless). */
  stepMs?: number;
  /** Phase of the decider tick within each second. */
  tickPhaseMs?: number;
  /** The simulation starts at this epoch time (ms), so that bucket boundaries are deterministic. */
  startMs?: number;
  neverScalesToZero?: boolean;
  ignoresMaxScale?: boolean;
}

export interface SimFrame {
  tMs: number;
  replicas: number;
  ready: number;
  want: number;
  mode: SksMode;
  active: ConditionStatus;
  panicking: boolean;
  decision: Decision | undefined;
  plan: KpaPlan;
}

export class Simulation {
  readonly frames: SimFrame[] = [];
  /** Simulated time since the start. */
  t = 0;
  replicas: number;
  private pods: { readyAtMs: number }[] = [];
  private readonly metrics: RevisionMetrics;
  private readonly decider: DeciderState;
  private decision: Decision | undefined;
  private deciderStatus: { desired: number; excessBurstCapacity: number };
  private active: { status: ConditionStatus; sinceMs: number };
  private initialized = false;
  private proxySinceMs: number | undefined;
  private mode: SksMode = 'Proxy';
  private readonly o: Required<Omit<SimOptions, 'neverScalesToZero' | 'ignoresMaxScale'>> & SimOptions;

  constructor(o: SimOptions) {
    this.o = { replicas: 1, podStartMs: 0, stepMs: 100, tickPhaseMs: 500, startMs: 1_700_000_000_000, ...o };
    this.replicas = this.o.replicas;
    this.setPods(this.replicas, 0);
    this.metrics = new RevisionMetrics(o.scaling.stableWindowMs, o.scaling.panicWindowMs);
    this.decider = newDeciderState(0, this.now);
    const tbc = o.scaling.targetBurstCapacity;
    this.deciderStatus = { desired: -1, excessBurstCapacity: tbc === -1 || tbc === 0 ? tbc : Math.trunc(this.o.scaling.initialScale * o.scaling.totalValue - tbc) };
    this.active = { status: 'Unknown', sinceMs: this.now };
    this.proxySinceMs = this.now;
  }

  get now(): number {
    return this.o.startMs + this.t;
  }

  get ready(): number {
    return this.pods.filter((p) => p.readyAtMs <= this.t).length;
  }

  /** New knobs from now on (an edited annotation or ConfigMap, a revision that became unreachable). */
  update(scaling: RevisionScaling): void {
    this.o.scaling = scaling;
    this.metrics.resize(scaling.stableWindowMs, scaling.panicWindowMs, this.now);
  }

  /** A request waits in the activator: sample it now and decide at once (AutoscalerLink.poke). */
  poke(): void {
    this.metrics.sample(this.now, Math.max(1, this.metrics.current(this.now)?.concurrency ?? 0), 0);
    this.tickDecider();
    this.reconcile();
  }

  /** Runs until `untilMs` (simulated, since the start). */
  run(untilMs: number): this {
    while (this.t < untilMs) {
      this.t += this.o.stepMs;
      if (this.t % 1000 === this.o.tickPhaseMs % 1000) {
        this.collect();
        this.tickDecider();
      }
      this.reconcile();
    }
    return this;
  }

  /** The first frame at or after `fromMs` that matches. */
  firstFrame(pred: (f: SimFrame) => boolean, fromMs = 0): SimFrame | undefined {
    return this.frames.find((f) => f.tMs >= fromMs && pred(f));
  }

  private collect(): void {
    const offered = this.o.traffic(this.t);
    // Ready pods' queue-proxies report what they serve; with none ready, requests wait in the activator.
    if (this.ready > 0 || offered > 0) this.metrics.sample(this.now, offered, 0);
  }

  private tickDecider(): void {
    const observed = this.metrics.observed(this.o.scaling.metric, this.now, true);
    const d = decide(this.decider, this.o.scaling, this.ready, observed, this.now);
    this.decision = d;
    if (d.valid) this.deciderStatus = { desired: d.desired, excessBurstCapacity: d.excessBurstCapacity };
  }

  private reconcile(): void {
    const plan = planKpa({
      nowMs: this.now, scaling: this.o.scaling, decider: this.deciderStatus, active: this.active,
      scaleTargetInitialized: this.initialized, hasServiceName: true, proxySinceMs: this.proxySinceMs,
      replicas: this.replicas, readyPods: this.ready,
      neverScalesToZero: this.o.neverScalesToZero, ignoresMaxScale: this.o.ignoresMaxScale,
    });
    if (plan.scaleTo !== undefined) this.setPods(plan.scaleTo, this.t);
    if (plan.active && plan.active.status !== this.active.status) this.active = { status: plan.active.status, sinceMs: this.now };
    this.initialized = plan.scaleTargetInitialized;
    this.mode = plan.mode;
    const activatorInPath = this.mode === 'Proxy' || this.ready === 0;
    if (activatorInPath) this.proxySinceMs ??= this.now;
    else this.proxySinceMs = undefined;
    this.frames.push({
      tMs: this.t, replicas: this.replicas, ready: this.ready, want: plan.want, mode: this.mode, active: this.active.status,
      panicking: this.decider.panicTimeMs !== undefined, decision: this.decision, plan,
    });
  }

  private setPods(n: number, tMs: number): void {
    this.replicas = n;
    while (this.pods.length > n) this.pods.pop();
    while (this.pods.length < n) this.pods.push({ readyAtMs: tMs + this.o.podStartMs });
  }
}
