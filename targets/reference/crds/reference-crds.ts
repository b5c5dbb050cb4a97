import { CHAOS_MESH_CRDS } from './chaos-mesh.ts';
import { ISTIO_CRDS } from './istio.ts';
import { KNATIVE_EVENTING_CRDS } from './knative-eventing.ts';
import { KNATIVE_SERVING_CRDS } from './knative-serving.ts';
import { KNATIVE_INTERNAL_CRDS } from './knative-internal.ts';
import { KSERVE_CRDS } from './kserve.ts';
import type { CustomResourceDefinition } from './schema.ts';

/** Every CustomResourceDefinition the reference serves. */
export const REFERENCE_CRDS: readonly CustomResourceDefinition[] = [
  ...KNATIVE_SERVING_CRDS,
  ...KNATIVE_INTERNAL_CRDS,
  ...KNATIVE_EVENTING_CRDS,
  ...ISTIO_CRDS,
  ...KSERVE_CRDS,
  ...CHAOS_MESH_CRDS,
];
