import type { V1Pod } from '@kubernetes/client-node';

/** The pod reports Ready=True (whether terminating or not). */
export function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}
