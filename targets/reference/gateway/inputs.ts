import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { PODS, type InformerSet } from '../controller-runtime/controller.ts';
import { SERVERLESSSERVICES, type SksMode } from '../serving/dataplane.ts';
import { ROUTES } from '../serving/resources.ts';
import type { KRoute } from '../serving/types.ts';

/** A ServerlessService as the gateway reads it: named like its revision, in the revision's namespace. */
export interface KServerlessService extends KubernetesObject {
  spec?: { mode?: SksMode };
}

/** What the gateway needs of an informer; a test feeds it without an API server. */
export interface Source<T> {
  list(): readonly T[];
  on(event: 'add' | 'update' | 'delete', handler: (obj: T) => void): void;
  /** Resolves once the first list is cached (an informer's start is idempotent). */
  start?(): Promise<void>;
}

export interface GatewayInputs {
  routes: Source<KRoute>;
  pods: Source<V1Pod>;
  serverlessServices: Source<KServerlessService>;
}

/** The shared informers the gateway reads; started by startGateway if the set has not started them yet. */
export function informerInputs(informers: InformerSet): GatewayInputs {
  return {
    routes: informers.get<KRoute>(ROUTES),
    pods: informers.get<V1Pod>(PODS),
    serverlessServices: informers.get<KServerlessService>(SERVERLESSSERVICES),
  };
}

/** The inputs' objects right now, for the pure configuration function. */
export interface GatewaySnapshot {
  routes: readonly KRoute[];
  pods: readonly V1Pod[];
  serverlessServices: readonly KServerlessService[];
}

export function snapshotOf(inputs: GatewayInputs): GatewaySnapshot {
  return { routes: inputs.routes.list(), pods: inputs.pods.list(), serverlessServices: inputs.serverlessServices.list() };
}
