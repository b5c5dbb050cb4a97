import type { RequirementDeclaration } from '../../harness/requirements/types.ts';
import { AUTOSCALING } from './autoscaling/requirements.ts';
import { COLDSTART } from './coldstart/requirements.ts';
import { CONCURRENCY } from './concurrency/requirements.ts';
import { TAGS } from './tags/requirements.ts';
import { RUNTIME } from './runtime/requirements.ts';
import { TRAFFIC } from './traffic/requirements.ts';

/** The serving layer's requirements, each declared once; the spec files implement them by id. */
export const SERVING: readonly RequirementDeclaration[] = [
  {
    id: 'SERVING.READY.BASIC',
    level: 'MUST',
    layer: 'serving',
    title: 'A Knative Service becomes Ready, answers 200 at its URL, and its container sees K_SERVICE, K_CONFIGURATION and K_REVISION',
    upstream:
      'Knative Serving API specification 1.0, "Service" (status.url, Ready condition); runtime contract, "Environment variables" (K_SERVICE, K_CONFIGURATION, K_REVISION)',
    bound: 'settings.readyTimeoutSeconds (default 60 s) for Ready; settings.requestTimeoutSeconds for the request',
    parallel: true,
  },
  {
    id: 'SERVING.READY.FAILURE-REPORTED',
    level: 'MUST',
    layer: 'serving',
    title: 'A Knative Service whose container exits at start reports Ready=False with a reason and a message, not Unknown forever',
    upstream:
      'Knative Serving API specification 1.0, "Error Signalling" (Ready=False with reason and message on a terminal failure); Revision ContainerHealthy',
    bound: 'settings.readyTimeoutSeconds (default 60 s) for Ready=False',
    parallel: true,
  },
  ...COLDSTART,
  ...CONCURRENCY,
  ...TAGS,
  ...RUNTIME,
  ...AUTOSCALING,
  ...TRAFFIC,
];
