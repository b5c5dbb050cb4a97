/** The internal Knative kinds this autoscaler reads and writes, as knative/serving's Go types shape them. */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Condition } from '../controller-runtime/conditions.ts';
import type { SksMode } from '../serving/dataplane.ts';

export type Reachability = 'Reachable' | 'Unreachable' | '';

export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
}

/** autoscaling.internal.knative.dev/v1alpha1 PodAutoscaler. */
export interface PodAutoscaler extends KubernetesObject {
  spec?: {
    scaleTargetRef?: ObjectReference;
    /** 0 = unlimited. */
    containerConcurrency?: number;
    protocolType?: string;
    reachability?: Reachability;
  };
  status?: PodAutoscalerStatus;
}

export interface PodAutoscalerStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  annotations?: Record<string, string>;
  serviceName?: string;
  metricsServiceName?: string;
  /** -1 until the autoscaler has decided. */
  desiredScale?: number;
  actualScale?: number;
}

/** networking.internal.knative.dev/v1alpha1 ServerlessService. */
export interface ServerlessService extends KubernetesObject {
  spec?: {
    mode?: SksMode;
    numActivators?: number;
    objectRef?: ObjectReference;
    protocolType?: string;
  };
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    serviceName?: string;
    privateServiceName?: string;
  };
}

export const PA_CONDITION = {
  ready: 'Ready',
  active: 'Active',
  scaleTargetInitialized: 'ScaleTargetInitialized',
  sksReady: 'SKSReady',
} as const;

export const SKS_CONDITION = {
  ready: 'Ready',
  endpointsPopulated: 'EndpointsPopulated',
  activatorEndpointsPopulated: 'ActivatorEndpointsPopulated',
} as const;
