import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { REFERENCE_CRDS } from './reference-crds.ts';
import { serverSideApply } from './kube-http.ts';
import { PART_OF_LABEL, type CustomResourceDefinition } from './schema.ts';

const FIELD_MANAGER = 'gauntlet-reference';
const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

export interface InstallOptions {
  /** Bound on applying and on waiting for every CRD to be Established (default 30 s). */
  timeoutMs?: number;
  /** Defaults to every CRD of the reference. */
  crds?: readonly CustomResourceDefinition[];
}

/** Server-side-applies the reference's CRDs and waits until the API server serves each (Established=True). */
export async function installCrds(kubeconfigPath: string, opts: InstallOptions = {}): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const crds = opts.crds ?? REFERENCE_CRDS;
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  await Promise.all(
    crds.map(async (crd) => {
      try {
        await serverSideApply(kc, `${CRD_PATH}/${crd.metadata.name}`, crd, FIELD_MANAGER);
      } catch (e) {
        throw new Error(`applying CustomResourceDefinition ${crd.metadata.name} failed: ${(e as Error).message}`, { cause: e });
      }
    }),
  );
  await waitEstablished(kc, new Set(crds.map((c) => c.metadata.name)), deadline);
}

interface CrdCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface CrdState {
  metadata: { name: string };
  status?: { conditions?: CrdCondition[] };
}

/** Watches CRDs until every named one reports Established=True; the error names those that did not. */
async function waitEstablished(kc: KubeConfig, names: Set<string>, deadline: number): Promise<void> {
  const pending = new Set(names);
  const lastSeen = new Map<string, CrdCondition[]>();
  const watch = new Watch(kc);
  const labelSelector = Object.entries(PART_OF_LABEL).map(([k, v]) => `${k}=${v}`).join(',');
  while (pending.size > 0) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    let abort: AbortController | undefined;
    let finished = false;
    await new Promise<void>((resolve) => {
      const finish = () => {
        finished = true;
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(finish, remaining);
      // A watch without resourceVersion first replays every existing CRD as ADDED, so none is missed.
      watch
        .watch(
          CRD_PATH,
          { labelSelector, timeoutSeconds: Math.max(1, Math.ceil(remaining / 1000)) },
          (_phase: string, crd: CrdState) => {
            const conditions = crd.status?.conditions ?? [];
            lastSeen.set(crd.metadata.name, conditions);
            if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) pending.delete(crd.metadata.name);
            if (pending.size === 0) finish();
          },
          () => finish(),
        )
        .then(
          (a) => {
            abort = a;
            if (finished) a.abort();
          },
          finish,
        );
    });
    abort?.abort();
    if (pending.size > 0) await sleep(200); // the watch ended early: try again, without spinning
  }
  if (pending.size > 0) {
    const detail = [...pending]
      .map((n) => {
        const bad = (lastSeen.get(n) ?? []).filter((c) => c.status !== 'True').map((c) => `${c.type}=${c.status} ${c.reason ?? ''} ${c.message ?? ''}`.trim());
        return `${n}${bad.length > 0 ? ` (${bad.join('; ')})` : ''}`;
      })
      .join(', ');
    throw new Error(`CustomResourceDefinitions not Established in time: ${detail}`);
  }
}
