/**
 * The reference's KPA: reconciles `autoscaling.internal.knative.dev/v1alpha1 PodAutoscaler`s (class
 * kpa.autoscaling.knative.dev) as knative/serving's autoscaler does. Every TICK_MS it scrapes each
 * revision's ready pods, adds the activator's stats, runs the decider and reconciles the PA: scales the
 * Deployment through its `scale` subresource, writes the ServerlessService (mode Serve or Proxy) and the PA
 * status, and records each decision as an Event on the PA. `poke` decides at once for a revision whose
 * requests wait in the activator. config-autoscaler is watched: a patch changes behaviour on the next tick.
 */
import type { KubeConfig, V1ConfigMap, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { conditionOf, isTrue } from '../controller-runtime/conditions.ts';
import { Controller, keyOf, PODS, splitKey, type InformerSet } from '../controller-runtime/controller.ts';
import type { Informer } from '../controller-runtime/informer.ts';
import type { ActiveMutants } from '../mutants/active.ts';
import { PODAUTOSCALERS, SERVERLESSSERVICES, type ActivatorStat, type AutoscalerLink } from '../serving/dataplane.ts';
import { CONFIGMAPS, DEPLOYMENTS, LABEL } from '../serving/resources.ts';
import { decide, newDeciderState, type Decision, type DeciderState } from './algorithm.ts';
import { annotation } from './annotations.ts';
import { AutoscalerApi, fresher, rv, timeMs } from './api.ts';
import { CONFIG_AUTOSCALER, ensureConfigAutoscaler, KPA_CLASS, parseAutoscalerConfig, REFERENCE_DEFAULTS, type AutoscalerConfig } from './config.ts';
import { decisionEvents, scaledToZeroEvent, type DecisionContext } from './decisions.ts';
import { EventRecorder } from './events.ts';
import { planKpa } from './kpa-scale.ts';
import { earlyScaleDown, ignoringMinScale, slowScaleUp, type SlowScaleUp } from './mutants.ts';
import { MetricCollector } from './metrics.ts';
import { paStatus } from './pa-status.ts';
import { semanticEqual } from '../controller-runtime/equality.ts';
import { resolveScaling, type RevisionScaling } from './scaling.ts';
import { httpRevisionScraper, type PodTarget, type RevisionScraper } from './scrape.ts';
import { activatorInPathSince, desiredSks, sksNeedsApply, sksStatus } from './sks.ts';
import { PA_CONDITION, type PodAutoscaler, type ServerlessService } from './types.ts';

/** Scrape-and-decide interval (Knative: scrape every 1 s, decide every 2 s; the reference does both each second). */
export const TICK_MS = 1000;

export interface AutoscalerOptions {
  /** The controllers' identity. */
  kubeconfig: KubeConfig;
  informers: InformerSet;
  mutants: ActiveMutants;
  log: (line: string) => void;
  /** Scrapes a revision's ready pods; default: each pod's queue-proxy at http://<podIP>:9090/metrics. */
  scrape?: RevisionScraper;
  /** Default TICK_MS. */
  tickMs?: number;
}

export interface Autoscaler extends AutoscalerLink {
  /** The config-autoscaler in force (the last valid one read). */
  config(): AutoscalerConfig;
  /** Stops ticking and reconciling; the informers belong to the caller. */
  stop(): Promise<void>;
}

interface PaState {
  decider: DeciderState;
  decision: Decision | undefined;
  /** Knative's DeciderStatus: -1 until the first valid decision. */
  status: { desired: number; excessBurstCapacity: number };
  panicReported: boolean;
  /** Mutant slow-scale-up only. */
  slowUp?: SlowScaleUp;
}

/**
 * Starts the autoscaler: creates config-autoscaler if absent, starts (or joins) the informers it reads,
 * and resolves once they have listed and it reconciles.
 */
export async function startAutoscaler(opts: AutoscalerOptions): Promise<Autoscaler> {
  const { informers, mutants, log } = opts;
  await ensureConfigAutoscaler(opts.kubeconfig);
  const api = new AutoscalerApi(opts.kubeconfig);
  const events = new EventRecorder(opts.kubeconfig, log);
  const collector = new MetricCollector(opts.scrape ?? httpRevisionScraper(), log);
  const pas = informers.get<PodAutoscaler>(PODAUTOSCALERS);
  const skses = informers.get<ServerlessService>(SERVERLESSSERVICES);
  const deployments = informers.get<V1Deployment>(DEPLOYMENTS);
  const pods = informers.get<V1Pod>(PODS);
  const configMaps = informers.get<V1ConfigMap>(CONFIGMAPS);

  let config: AutoscalerConfig = REFERENCE_DEFAULTS;
  let configError: string | undefined;
  const states = new Map<string, PaState>();
  const written = { pas: new Map<string, PodAutoscaler>(), skses: new Map<string, ServerlessService>(), scale: new Map<string, { replicas: number; rv: number }>() };

  const isKpa = (pa: PodAutoscaler) => (annotation(pa.metadata?.annotations, 'class')?.value ?? config.podAutoscalerClass) === KPA_CLASS;
  const revisionOf = (pa: PodAutoscaler) => pa.metadata?.labels?.[LABEL.revision] ?? pa.metadata?.name ?? '';
  const scalingOf = (pa: PodAutoscaler): RevisionScaling => {
    const scaling = resolveScaling({
      annotations: pa.metadata?.annotations, containerConcurrency: Number(pa.spec?.containerConcurrency ?? 0), reachability: pa.spec?.reachability,
    }, config);
    return mutants.has('ignores-min-scale') ? ignoringMinScale(scaling) : scaling;
  };
  const readyPods = (pa: PodAutoscaler): V1Pod[] => pods.list(pa.metadata?.namespace).filter((p) =>
    p.metadata?.labels?.[LABEL.revision] === revisionOf(pa) && !p.metadata?.deletionTimestamp && isTrue(p.status?.conditions as never, 'Ready'));
  const stateOf = (key: string, scaling: RevisionScaling, ready: number, nowMs: number): PaState => {
    let s = states.get(key);
    if (!s) {
      const tbc = scaling.targetBurstCapacity;
      s = {
        decider: newDeciderState(ready, nowMs), decision: undefined, panicReported: false,
        status: { desired: -1, excessBurstCapacity: tbc === -1 || tbc === 0 ? tbc : Math.trunc(scaling.initialScale * scaling.totalValue - tbc) },
      };
      states.set(key, s);
    }
    return s;
  };
  const decideNow = (key: string, scaling: RevisionScaling, ready: number, nowMs: number) => {
    const s = stateOf(key, scaling, ready, nowMs);
    const observed = collector.observed(key, scaling.metric, nowMs, scaling.targetBurstCapacity !== -1);
    const [spec, seen] = mutants.has('scales-down-early') ? earlyScaleDown(scaling, observed) : [scaling, observed];
    const d = decide(s.decider, spec, ready, seen, nowMs);
    if (mutants.has('slow-scale-up')) s.slowUp = slowScaleUp(s.slowUp, d, ready, scaling.stableWindowMs, nowMs);
    s.decision = d;
    if (d.valid) s.status = { desired: d.desired, excessBurstCapacity: d.excessBurstCapacity };
  };

  const loadConfig = () => {
    const cm = configMaps.get(CONFIG_AUTOSCALER.name, CONFIG_AUTOSCALER.namespace);
    if (!cm) return;
    const r = parseAutoscalerConfig(cm.data ?? {});
    if (r.error !== undefined) {
      if (r.error !== configError) log(`autoscaler: ${CONFIG_AUTOSCALER.namespace}/${CONFIG_AUTOSCALER.name} is invalid, keeping the previous configuration: ${r.error}`);
      configError = r.error;
      return;
    }
    configError = undefined;
    config = r.config;
  };

  const reconcile = async (key: string) => {
    const { namespace, name } = splitKey(key);
    const pa = fresher(pas.get(name, namespace), written.pas.get(key));
    if (!pa || pa.metadata?.deletionTimestamp || !isKpa(pa)) return;
    const nowMs = Date.now();
    const scaling = scalingOf(pa);
    const ready = readyPods(pa);
    const st = stateOf(key, scaling, ready.length, nowMs);
    const sks = fresher(skses.get(name, namespace), written.skses.get(key));
    const targetName = pa.spec?.scaleTargetRef?.name ?? `${name}-deployment`;
    const deployment = deployments.get(targetName, namespace);
    const scaled = written.scale.get(key);
    const replicas = scaled && scaled.rv > rv(deployment) ? scaled.replicas : deployment?.spec?.replicas;
    const active = conditionOf(pa.status?.conditions, PA_CONDITION.active);

    const plan = planKpa({
      nowMs, scaling, decider: st.status,
      active: { status: active?.status ?? 'Unknown', sinceMs: timeMs(active?.lastTransitionTime) ?? nowMs },
      scaleTargetInitialized: isTrue(pa.status?.conditions, PA_CONDITION.scaleTargetInitialized),
      hasServiceName: true,
      proxySinceMs: activatorInPathSince(sks, timeMs),
      replicas: deployment ? replicas : undefined,
      readyPods: ready.length,
      neverScalesToZero: mutants.has('never-scales-to-zero'),
      ignoresMaxScale: mutants.has('ignores-max-scale'),
    });

    const about = { ...pa, apiVersion: PODAUTOSCALERS.apiVersion, kind: PODAUTOSCALERS.kind };
    const ctx: DecisionContext = {
      atMs: nowMs, previous: pa.status?.desiredScale ?? -1, desired: plan.want, actual: ready.length, decision: st.decision,
      scaling, panicking: st.decision?.panicking ?? false,
    };
    if (plan.scaleTo !== undefined) {
      if (!deployment) {
        log(`autoscaler ${key}: scale target Deployment ${namespace}/${targetName} not found`);
      } else {
        const newRv = await api.scaleDeployment(namespace, targetName, plan.scaleTo);
        written.scale.set(key, { replicas: plan.scaleTo, rv: Number(newRv ?? 0) || rv(deployment) + 1 });
        log(`autoscaler ${key}: scaled ${targetName} from ${replicas ?? 1} to ${plan.scaleTo} (${plan.note})`);
        if (plan.scaleTo === 0) events.record(about, scaledToZeroEvent({ ...ctx, previous: replicas ?? 1, why: plan.note }));
      }
    }

    // The ServerlessService: mode, then the status the gateway and the next reconcile read.
    const want = desiredSks(pa, plan.mode);
    let current = sks;
    if (sksNeedsApply(current, want)) {
      current = await api.apply(want);
      written.skses.set(key, current);
    }
    const activatorInPath = plan.mode === 'Proxy' || ready.length === 0;
    const nextSksStatus = sksStatus(current!, activatorInPath);
    if (!semanticEqual(nextSksStatus, current!.status)) {
      written.skses.set(key, await api.replaceStatus(SERVERLESSSERVICES, current!, nextSksStatus));
    }

    const status = paStatus(pa, plan, ready.length, true);
    if (!semanticEqual(status, pa.status)) written.pas.set(key, await api.replaceStatus(PODAUTOSCALERS, pa, status));

    for (const e of decisionEvents({ ...ctx, desired: status.desiredScale ?? -1, previous: ctx.previous >= 0 ? ctx.previous : (replicas ?? 0), wasPanicking: st.panicReported })) {
      events.record(about, e);
    }
    st.panicReported = ctx.panicking;
    return plan.requeueAfterMs !== undefined ? { requeueAfterMs: Math.max(10, plan.requeueAfterMs) } : undefined;
  };

  const controller = new Controller('autoscaler', reconcile, log, { concurrency: 4, baseDelayMs: 50, maxDelayMs: 5000 });
  controller.watch(pas);
  const paKeyOfOwned = (o: ServerlessService) => {
    const ref = o.metadata?.ownerReferences?.find((r) => r.kind === PODAUTOSCALERS.kind && r.controller);
    return ref ? `${o.metadata?.namespace ?? ''}/${ref.name}` : undefined;
  };
  controller.watch(skses, paKeyOfOwned);
  controller.watch(deployments, (d) => {
    for (const pa of pas.list(d.metadata?.namespace)) {
      if ((pa.spec?.scaleTargetRef?.name ?? `${pa.metadata?.name}-deployment`) === d.metadata?.name) controller.queue.add(keyOf(pa));
    }
    return undefined;
  });
  controller.watch(pods, (p) => {
    const rev = p.metadata?.labels?.[LABEL.revision];
    if (!rev) return undefined;
    for (const pa of pas.list(p.metadata?.namespace)) if (revisionOf(pa) === rev) controller.queue.add(keyOf(pa));
    return undefined;
  });
  const onConfig = (cm: V1ConfigMap) => {
    if (cm.metadata?.namespace !== CONFIG_AUTOSCALER.namespace || cm.metadata?.name !== CONFIG_AUTOSCALER.name) return;
    loadConfig();
    for (const pa of pas.list()) controller.queue.add(keyOf(pa));
  };
  configMaps.on('add', onConfig);
  configMaps.on('update', onConfig);
  pas.on('delete', (pa) => {
    const key = keyOf(pa);
    states.delete(key);
    collector.forget(key);
    written.pas.delete(key);
    written.skses.delete(key);
    written.scale.delete(key);
  });

  await Promise.all(([pas, skses, deployments, pods, configMaps] as Informer<never>[]).map((i) => i.start()));
  loadConfig();
  controller.start();

  // Each tick: scrape every revision, decide, reconcile.
  let ticking: Promise<void> | undefined;
  const tick = async () => {
    const nowMs = Date.now();
    await Promise.all(pas.list().filter((pa) => !pa.metadata?.deletionTimestamp && isKpa(pa)).map(async (pa) => {
      const key = keyOf(pa);
      const scaling = scalingOf(pa);
      const ready = readyPods(pa);
      const targets: PodTarget[] = ready.map((p) => ({ name: p.metadata?.name ?? '', ip: p.status?.podIP ?? '' }));
      await collector.collect({
        revision: { namespace: pa.metadata?.namespace ?? '', name: revisionOf(pa) }, pods: targets,
        scrapePods: scaling.targetBurstCapacity !== -1, stableWindowMs: scaling.stableWindowMs, panicWindowMs: scaling.panicWindowMs, nowMs,
      });
      decideNow(key, scaling, ready.length, nowMs);
      controller.queue.add(key);
    }));
  };
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = tick().catch((e: unknown) => log(`autoscaler tick: ${e instanceof Error ? e.message : String(e)}`)).finally(() => (ticking = undefined));
  }, opts.tickMs ?? TICK_MS);
  timer.unref();

  const poke = (namespace: string, revision: string) => {
    const pa = pas.list(namespace).find((p) => revisionOf(p) === revision);
    if (!pa || !isKpa(pa)) return;
    const key = keyOf(pa);
    const scaling = scalingOf(pa);
    const nowMs = Date.now();
    collector.pokeSample(key, scaling.stableWindowMs, scaling.panicWindowMs, nowMs);
    decideNow(key, scaling, readyPods(pa).length, nowMs);
    controller.queue.add(key);
  };

  return {
    poke,
    report(stat: ActivatorStat) {
      const nowMs = Date.now();
      const pa = pas.list(stat.namespace).find((p) => revisionOf(p) === stat.revision);
      const key = pa ? keyOf(pa) : `${stat.namespace}/${stat.revision}`;
      collector.report(key, stat, nowMs);
      // As Knative's multiscaler: requests for a revision at zero decide at once.
      if (stat.concurrency > 0 && states.get(key)?.status.desired === 0) poke(stat.namespace, stat.revision);
    },
    config: () => config,
    async stop() {
      clearInterval(timer);
      await ticking;
      await controller.stop();
      await events.flush();
    },
  };
}
