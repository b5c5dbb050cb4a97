import type { V1Pod } from '@kubernetes/client-node';
import type { SksMode } from '../../serving/dataplane.ts';
import { LABEL } from '../../serving/resources.ts';
import type { KRoute } from '../../serving/types.ts';
import type { KServerlessService } from '../inputs.ts';

/** API objects as the reference's controllers and kubelet write them, for the gateway's tests. */
export interface TrafficEntry {
  revisionName: string;
  percent: number;
  tag?: string;
  latestRevision?: boolean;
}

export function route(name: string, namespace: string, traffic: TrafficEntry[], domain = 'example.com'): KRoute {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Route',
    metadata: { name, namespace },
    status: {
      url: `http://${name}.${namespace}.${domain}`,
      traffic: traffic.map((t) => ({ ...t, ...(t.tag ? { url: `http://${t.tag}-${name}.${namespace}.${domain}` } : {}) })),
    },
  };
}

export function pod(namespace: string, revision: string, ip: string, ready = true, name = `${revision}-${ip}`): V1Pod {
  return {
    metadata: { name, namespace, labels: { [LABEL.revision]: revision } },
    status: { podIP: ip, phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

export function sks(namespace: string, revision: string, mode: SksMode): KServerlessService {
  return { apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'ServerlessService', metadata: { name: revision, namespace }, spec: { mode } };
}
