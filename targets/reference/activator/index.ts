import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { PODS, type Resource } from '../controller-runtime/controller.ts';
import type { Informer } from '../controller-runtime/informer.ts';
import type { ActiveMutants } from '../mutants/active.ts';
import type { AutoscalerLink } from '../serving/dataplane.ts';
import { REVISIONS } from '../serving/resources.ts';
import type { KRevision } from '../serving/types.ts';
import { ConcurrencyReporter, REPORT_INTERVAL_MS } from './concurrency-reporter.ts';
import { activatorHandler } from './handler.ts';
import { httpPodProber, type PodProber } from './probe.ts';
import { Throttlers } from './throttlers.ts';

/** Where the activator gets its informers: the reference's InformerSet, or a fake one in tests. */
export interface InformerSource {
  get<T extends KubernetesObject>(r: Resource): Informer<T>;
}

export interface ActivatorOptions {
  informers: InformerSource;
  host: string;
  port: number;
  autoscaler: AutoscalerLink;
  mutants: ActiveMutants;
  log: (line: string) => void;
  /** How often stats go to the autoscaler (default 1000 ms, Knative's). */
  reportIntervalMs?: number;
  /** Probes a not-ready pod's queue-proxy (default: Knative's HTTP probe, `httpPodProber`). */
  probe?: PodProber;
}

export interface Activator {
  host: string;
  port: number;
  /** Fails the requests it holds (503), closes every connection, stops reporting. */
  stop(): Promise<void>;
}

/**
 * Knative's activator, in the reference's own process: holds requests for revisions at zero (or short of
 * burst capacity) until their pods are ready, then proxies them to the pods' queue-proxies; tells the
 * autoscaler about them. Reads Revisions and Pods from the shared informers (starting them if need be).
 */
export async function startActivator(opts: ActivatorOptions): Promise<Activator> {
  const revisions = opts.informers.get<KRevision>(REVISIONS);
  const pods = opts.informers.get<V1Pod>(PODS);
  // Kept-alive connections to the queue-proxies, for probes and requests alike.
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 1024 });
  const throttlers = new Throttlers(revisions, pods, {
    ignoreContainerConcurrency: opts.mutants.has('ignores-container-concurrency'), probe: opts.probe ?? httpPodProber(agent),
  });
  await Promise.all([revisions.start(), pods.start()]);

  const reporter = new ConcurrencyReporter((stat) => opts.autoscaler.report(stat));
  const server = createServer(
    activatorHandler({ revisions, throttlers, reporter, autoscaler: opts.autoscaler, mutants: opts.mutants, agent, log: opts.log }),
  );
  // Requests are bounded by their revision's timeout; idle connections from the gateway stay open.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const ticker = setInterval(() => reporter.tick(), opts.reportIntervalMs ?? REPORT_INTERVAL_MS);
  const address = server.address() as AddressInfo;
  opts.log(`activator: listening on ${address.address}:${address.port}`);

  let stopped: Promise<void> | undefined;
  return {
    host: address.address,
    port: address.port,
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(ticker);
        throttlers.stop(new Error('the activator is stopping'));
        await new Promise((r) => setImmediate(r)); // let the held requests' 503s go out
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        agent.destroy();
      })()),
  };
}
