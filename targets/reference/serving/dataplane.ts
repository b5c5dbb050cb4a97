/**
 * The contract between the reference's serving pieces: revision reconciler, autoscaler, activator,
 * queue-proxy and gateway. Names follow Knative Serving where it has them.
 */
import type { Resource } from '../controller-runtime/controller.ts';

export const PODAUTOSCALERS: Resource = {
  apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler',
  path: '/apis/autoscaling.internal.knative.dev/v1alpha1/podautoscalers',
};
export const SERVERLESSSERVICES: Resource = {
  apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'ServerlessService',
  path: '/apis/networking.internal.knative.dev/v1alpha1/serverlessservices',
};

/** Ports in a revision's pod (Knative's): the queue-proxy serves traffic and exposes metrics. */
export const QUEUE_SERVING_PORT = 8012;
export const QUEUE_METRICS_PORT = 9090;
export const QUEUE_PROXY_IMAGE = 'gauntlet/queue-proxy:0.1.0';
export const QUEUE_CONTAINER_NAME = 'queue-proxy';

/**
 * Environment of the queue-proxy container, as Knative's revision reconciler sets it (subset).
 * USER_PORT: the user container's port; CONTAINER_CONCURRENCY: 0 = unlimited; REVISION_TIMEOUT_SECONDS.
 */
export const QUEUE_ENV = {
  servingNamespace: 'SERVING_NAMESPACE',
  servingService: 'SERVING_SERVICE',
  servingConfiguration: 'SERVING_CONFIGURATION',
  servingRevision: 'SERVING_REVISION',
  servingPod: 'SERVING_POD',
  userPort: 'USER_PORT',
  queueServingPort: 'QUEUE_SERVING_PORT',
  metricsPort: 'QUEUE_METRICS_PORT',
  containerConcurrency: 'CONTAINER_CONCURRENCY',
  revisionTimeoutSeconds: 'REVISION_TIMEOUT_SECONDS',
} as const;

/**
 * Prometheus metrics the queue-proxy exposes on QUEUE_METRICS_PORT at /metrics and the autoscaler scrapes
 * (Knative's names): averages over the time since the previous scrape.
 */
export const QUEUE_METRICS = {
  averageConcurrency: 'queue_average_concurrent_requests',
  requestsPerSecond: 'queue_requests_per_second',
  averageProxiedConcurrency: 'queue_average_proxied_concurrent_requests',
  proxiedRequestsPerSecond: 'queue_proxied_operations_per_second',
  uptimeSeconds: 'process_uptime',
} as const;

/** Headers by which the gateway tells the activator which revision a request is for (Knative's). */
export const ACTIVATOR_HEADERS = { revision: 'knative-serving-revision', namespace: 'knative-serving-namespace' } as const;

/** The activator's stats for one revision: requests it holds or proxies. */
export interface ActivatorStat {
  namespace: string;
  revision: string;
  /**
   * Requests in the activator for this revision (held or being proxied): the time-weighted average since
   * the previous report, as Knative's activator reports it; 1 in the report made at a revision's first request.
   */
  concurrency: number;
  /** Requests that arrived since the last report. */
  requests: number;
}

/** What the activator needs from the autoscaler, in process (Knative sends the same over a websocket). */
export interface AutoscalerLink {
  /** A request arrived for a revision: scale it from zero now, without waiting for the next tick. */
  poke(namespace: string, revision: string): void;
  report(stat: ActivatorStat): void;
}

/** ServerlessService spec.mode: Serve = straight to the pods; Proxy = through the activator. */
export type SksMode = 'Serve' | 'Proxy';
