import { CoordinationV1Api, VersionApi, type V1Lease, type V1Node } from '@kubernetes/client-node';
import { describeError } from '../../../lib/errors.ts';
import { isConflict, kubeTime, mergePatch, type Client } from './api.ts';
import type { EventRecorder } from './events.ts';
import { nodeLabels, nodeStatus, type NodeFacts } from './node-status.ts';
import { timeString } from './pod-status.ts';

/**
 * The Node, as a kubelet keeps it: registered by the node identity with `Ready=True`, its addresses and
 * capacity; a Lease in `kube-node-lease` renewed every 10 s and the status re-posted every minute (a
 * kubelet's defaults are 10 s and 5 min). The reference runs no node lifecycle controller, so the kubelet
 * plays its one part that matters: with the controllers identity it removes the `not-ready` taint that
 * admission puts on a new Node.
 */
export interface NodeRegistrationOptions {
  node: Client;
  controllers: Client;
  nodeName: string;
  address: string;
  events: EventRecorder;
  log: (m: string) => void;
  leaseEveryMs?: number;
  statusEveryMs?: number;
}

export interface NodeRegistration {
  readonly kubeletVersion: string;
  stop(): void;
}

const LEASE_NAMESPACE = 'kube-node-lease';
const STARTUP_TAINTS = new Set(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);

/** `metav1.MicroTime`: RFC 3339 with exactly six fractional digits. */
const microTime = () => new Date().toISOString().replace(/(\.\d{3})Z$/, '$1000Z');

async function createOrReadNode(o: NodeRegistrationOptions): Promise<V1Node> {
  const labels = nodeLabels(o.nodeName);
  try {
    return await o.node.core.createNode({ body: { metadata: { name: o.nodeName, labels } } });
  } catch (e) {
    if (!isConflict(e)) throw new Error(`registering Node ${o.nodeName} as ${o.node.user}: ${describeError(e)}`, { cause: e });
    return o.node.core.patchNode({ name: o.nodeName, body: { metadata: { labels } } }, mergePatch);
  }
}

async function removeStartupTaints(o: NodeRegistrationOptions): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const node = await o.controllers.core.readNode({ name: o.nodeName });
    const taints = node.spec?.taints ?? [];
    const kept = taints.filter((t) => !STARTUP_TAINTS.has(t.key));
    if (kept.length === taints.length) return;
    try {
      await o.controllers.core.patchNode(
        { name: o.nodeName, body: { metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { taints: kept } } },
        mergePatch,
      );
      return;
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }
}

async function renewLease(o: NodeRegistrationOptions): Promise<void> {
  const coordination = o.node.config.makeApiClient(CoordinationV1Api);
  const spec = { holderIdentity: o.nodeName, leaseDurationSeconds: 40, renewTime: microTime() };
  try {
    await coordination.patchNamespacedLease({ name: o.nodeName, namespace: LEASE_NAMESPACE, body: { spec } }, mergePatch);
  } catch (e) {
    if ((e as { code?: number }).code !== 404) throw e;
    const body = { metadata: { name: o.nodeName, namespace: LEASE_NAMESPACE }, spec } as unknown as V1Lease;
    await coordination.createNamespacedLease({ namespace: LEASE_NAMESPACE, body });
  }
}

export async function registerNode(o: NodeRegistrationOptions): Promise<NodeRegistration> {
  const version = await o.node.config.makeApiClient(VersionApi).getCode();
  const existing = await createOrReadNode(o);
  const ready = existing.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  const facts: NodeFacts = {
    nodeName: o.nodeName,
    address: o.address,
    kubeletVersion: version.gitVersion,
    readySince: ready?.lastTransitionTime ? timeString(ready.lastTransitionTime) : kubeTime(),
  };
  const postStatus = () => o.node.core.patchNodeStatus({ name: o.nodeName, body: { status: nodeStatus(facts, kubeTime()) } }, mergePatch);
  await postStatus();
  await removeStartupTaints(o);
  await renewLease(o);
  if (!ready) {
    const about = { kind: 'Node' as const, metadata: { name: o.nodeName, uid: existing.metadata?.uid } };
    o.events.record(about, { type: 'Normal', reason: 'Starting', message: 'Starting kubelet.' });
    o.events.record(about, { type: 'Normal', reason: 'NodeReady', message: `Node ${o.nodeName} status is now: NodeReady` });
  }
  const every = (ms: number, what: string, f: () => Promise<unknown>) => {
    const t = setInterval(() => void f().catch((e: unknown) => o.log(`${what} failed: ${describeError(e)}`)), ms);
    t.unref();
    return t;
  };
  const timers = [
    every(o.leaseEveryMs ?? 10_000, 'renewing the node lease', () => renewLease(o)),
    every(o.statusEveryMs ?? 60_000, 'posting node status', postStatus),
  ];
  return {
    kubeletVersion: version.gitVersion,
    stop() {
      for (const t of timers) clearInterval(t);
    },
  };
}
