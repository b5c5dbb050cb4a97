import { describe, expect, it } from 'vitest';
import { podAutoscaler } from './revision-autoscaler.ts';
import { podAutoscalerNeedsApply, type PodAutoscalerView } from './revision-reconciler.ts';
import type { KRevision } from './types.ts';

const rev: KRevision = {
  apiVersion: 'serving.knative.dev/v1', kind: 'Revision',
  metadata: {
    name: 'hello-00001', namespace: 'ns', uid: 'u1',
    labels: { 'serving.knative.dev/configuration': 'hello', 'serving.knative.dev/service': 'hello' },
    annotations: { 'autoscaling.knative.dev/min-scale': '0', 'other.example.com/x': 'y' },
  },
  spec: { containers: [{ name: 'user-container', image: 'gauntlet/probe' }], containerConcurrency: 0 },
};

/** The PA as the API server returns it after an apply: what was applied, plus what others and the server add. */
function stored(want: ReturnType<typeof podAutoscaler>): PodAutoscalerView {
  return {
    metadata: {
      ...want.metadata,
      labels: { ...want.metadata?.labels, 'app.kubernetes.io/extra': 'x' },
      annotations: { ...want.metadata?.annotations, 'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev' },
    },
    spec: JSON.parse(JSON.stringify(want.spec)) as unknown,
    status: { desiredScale: 1 },
  };
}

describe('podAutoscalerNeedsApply', () => {
  const want = podAutoscaler(rev, 'Reachable');

  it('applies a PA that does not exist yet', () => {
    expect(podAutoscalerNeedsApply(undefined, want)).toBe(true);
  });

  it('does not apply an unchanged PA, whatever else it carries', () => {
    expect(podAutoscalerNeedsApply(stored(want), want)).toBe(false);
  });

  it('applies when the spec, a label or annotation it sets, or the owner differs', () => {
    expect(podAutoscalerNeedsApply(stored(podAutoscaler(rev, '')), want)).toBe(true); // reachability changed
    const label = stored(want);
    label.metadata!.labels!['serving.knative.dev/service'] = 'other';
    expect(podAutoscalerNeedsApply(label, want)).toBe(true);
    const annotation = stored(want);
    delete annotation.metadata!.annotations!['autoscaling.knative.dev/min-scale'];
    expect(podAutoscalerNeedsApply(annotation, want)).toBe(true);
    const owner = stored(want);
    owner.metadata!.ownerReferences = [{ ...owner.metadata!.ownerReferences![0]!, uid: 'u2' }];
    expect(podAutoscalerNeedsApply(owner, want)).toBe(true);
  });
});
