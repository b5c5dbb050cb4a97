import type { KubeConfig, KubernetesObject, V1ConfigMap, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { Controller, keyOf, PODS, type ControllerOptions, type InformerSet } from '../controller-runtime/controller.ts';
import { ControllerClient, ownerKey } from '../controller-runtime/client.ts';
import type { ActiveMutants } from '../mutants/active.ts';
import { CONFIGMAPS, CONFIGURATIONS, DEPLOYMENTS, LABEL, REVISIONS, ROUTES, SERVICES } from './resources.ts';
import { serviceReconciler } from './service-reconciler.ts';
import { configurationReconciler } from './configuration-reconciler.ts';
import { revisionReconciler } from './revision-reconciler.ts';
import { routeReconciler, type IngressProbe } from './route-reconciler.ts';
import type { KConfiguration, KRevision, KRoute, KService } from './types.ts';
import { PODAUTOSCALERS } from './dataplane.ts';
import type { PodAutoscalerView } from './revision-reconciler.ts';

/** One worker per controller; failed keys retried after 50 ms doubling to 30 s. */
const QUEUE: ControllerOptions = { concurrency: 1, baseDelayMs: 50, maxDelayMs: 30_000 };

/** Knative Serving's four reconcilers over shared informers. */
export function servingControllers(
  kc: KubeConfig, informers: InformerSet, mutants: ActiveMutants, ingress: IngressProbe, log: (line: string) => void,
  /** A revision's first scale, as the autoscaler's configuration says. */
  initialScale: (rev: KRevision) => number,
): { controllers: Controller[]; requeueRoutes(): void } {
  const client = new ControllerClient(kc);
  const services = informers.get<KService>(SERVICES);
  const configurations = informers.get<KConfiguration>(CONFIGURATIONS);
  const revisions = informers.get<KRevision>(REVISIONS);
  const routes = informers.get<KRoute>(ROUTES);
  const deployments = informers.get<V1Deployment>(DEPLOYMENTS);
  const pods = informers.get<V1Pod>(PODS);
  const configMaps = informers.get<V1ConfigMap>(CONFIGMAPS);

  const service = new Controller('service', serviceReconciler(client, { services, configurations, routes }), log, QUEUE);
  service.watch(services);
  service.watch(configurations, (o) => ownerKey(o, 'Service'));
  service.watch(routes, (o) => ownerKey(o, 'Service'));

  const configuration = new Controller('configuration', configurationReconciler(client, { configurations, revisions }), log, QUEUE);
  configuration.watch(configurations);
  configuration.watch(revisions, (o) => ownerKey(o, 'Configuration'));

  const podAutoscalers = informers.get<PodAutoscalerView & KubernetesObject>(PODAUTOSCALERS);
  const revision = new Controller(
    'revision',
    revisionReconciler(client, mutants, initialScale, { revisions, deployments, pods, podAutoscalers, routes, configurations }),
    log,
    QUEUE,
  );
  revision.watch(revisions);
  revision.watch(podAutoscalers, (o) => ownerKey(o, 'Revision'));
  // Reachability follows the Routes: requeue the revisions of a namespace when one of its Routes changes.
  revision.watch(routes, (r) => {
    for (const rev of revisions.list(r.metadata?.namespace)) revision.queue.add(keyOf(rev));
    return undefined;
  });
  revision.watch(deployments, (o) => ownerKey(o, 'Revision'));
  revision.watch(pods, (p) => {
    const name = p.metadata?.labels?.[LABEL.revision];
    return name ? `${p.metadata?.namespace ?? ''}/${name}` : undefined;
  });

  const route = new Controller('route', routeReconciler(client, ingress, { routes, configurations, revisions, configMaps }), log, QUEUE);
  route.watch(routes);
  // Any Configuration or Revision change may change what a Route resolves to: requeue the namespace's routes.
  const routesOf = (o: KConfiguration | KRevision) => {
    for (const r of routes.list(o.metadata?.namespace)) route.queue.add(keyOf(r));
    return undefined;
  };
  route.watch(configurations, routesOf);
  route.watch(revisions, routesOf);
  return {
    controllers: [service, configuration, revision, route],
    requeueRoutes: () => {
      for (const r of routes.list()) route.queue.add(keyOf(r));
    },
  };
}
