import { QUEUE_METRICS } from '../serving/dataplane.ts';
import type { StatsReport } from './request-stats.ts';

/** The labels Knative's Prometheus stats reporter put on every queue-proxy gauge. */
export interface MetricLabels {
  namespace: string;
  configuration: string;
  revision: string;
  pod: string;
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * Prometheus text exposition of one report, with Knative's names and help texts. Requests per second are
 * the window's requests over the window's length (0 for an empty window).
 */
export function renderMetrics(report: StatsReport, labels: MetricLabels, uptimeSeconds: number): string {
  const set = [
    `destination_namespace="${escape(labels.namespace)}"`,
    `destination_configuration="${escape(labels.configuration)}"`,
    `destination_revision="${escape(labels.revision)}"`,
    `destination_pod="${escape(labels.pod)}"`,
  ].join(',');
  const rate = (count: number) => (report.windowSeconds > 0 ? count / report.windowSeconds : 0);
  const gauges: [string, string, number][] = [
    [QUEUE_METRICS.requestsPerSecond, 'Number of requests per second', rate(report.requestCount)],
    [QUEUE_METRICS.proxiedRequestsPerSecond, 'Number of proxied requests per second', rate(report.proxiedRequestCount)],
    [QUEUE_METRICS.averageConcurrency, 'Number of requests currently being handled by this pod', report.averageConcurrency],
    [QUEUE_METRICS.averageProxiedConcurrency, 'Number of proxied requests currently being handled by this pod', report.averageProxiedConcurrency],
    [QUEUE_METRICS.uptimeSeconds, 'The number of seconds that the process has been up', uptimeSeconds],
  ];
  return gauges.map(([name, help, value]) => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name}{${set}} ${value}\n`).join('');
}
