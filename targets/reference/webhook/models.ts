/**
 * The kinds the webhook validates, each with its @kubernetes-models validator (compiled from the same Go
 * types, or from Istio's own CRD schemas).
 */
import * as eventingV1 from '@kubernetes-models/knative/eventing.knative.dev/v1';
import * as eventingV1beta1 from '@kubernetes-models/knative/eventing.knative.dev/v1beta1';
import * as eventingV1beta2 from '@kubernetes-models/knative/eventing.knative.dev/v1beta2';
import * as eventingV1beta3 from '@kubernetes-models/knative/eventing.knative.dev/v1beta3';
import * as servingV1 from '@kubernetes-models/knative/serving.knative.dev/v1';
import * as networkingV1 from '@kubernetes-models/istio/networking.istio.io/v1';
import * as networkingV1alpha3 from '@kubernetes-models/istio/networking.istio.io/v1alpha3';
import * as networkingV1beta1 from '@kubernetes-models/istio/networking.istio.io/v1beta1';
import * as securityV1 from '@kubernetes-models/istio/security.istio.io/v1';
import * as securityV1beta1 from '@kubernetes-models/istio/security.istio.io/v1beta1';
import { describeSchemaErrors, type FieldViolation, type SchemaError } from './schema-errors.ts';

type Validatable = new (data: never) => { validate(): void };

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

const pick = (module: Record<string, unknown>, kinds: string[]): Record<string, Validatable> =>
  Object.fromEntries(
    kinds.map((k) => {
      const model = module[k];
      if (typeof model !== 'function') throw new Error(`@kubernetes-models has no ${k}`);
      return [k, model as Validatable];
    }),
  );

const ISTIO_NETWORKING = ['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar'];
const ISTIO_SECURITY = ['PeerAuthentication', 'AuthorizationPolicy', 'RequestAuthentication'];

/** group -> version -> kind -> model. */
const MODELS: Record<string, Record<string, Record<string, Validatable>>> = {
  'serving.knative.dev': { v1: pick(servingV1, ['Service', 'Configuration', 'Revision', 'Route']) },
  'eventing.knative.dev': {
    v1: pick(eventingV1, ['Broker', 'Trigger']),
    v1beta1: pick(eventingV1beta1, ['EventType']),
    v1beta2: pick(eventingV1beta2, ['EventType']),
    v1beta3: pick(eventingV1beta3, ['EventType']),
  },
  'networking.istio.io': {
    v1: pick(networkingV1, ISTIO_NETWORKING),
    v1alpha3: pick(networkingV1alpha3, ISTIO_NETWORKING),
    v1beta1: pick(networkingV1beta1, ISTIO_NETWORKING),
  },
  'security.istio.io': { v1: pick(securityV1, ISTIO_SECURITY), v1beta1: pick(securityV1beta1, ISTIO_SECURITY) },
};

/** Groups and kinds the webhook validates, for its registration. */
export function validatedKinds(): { group: string; kinds: string[] }[] {
  return Object.entries(MODELS).map(([group, versions]) => ({
    group,
    kinds: [...new Set(Object.values(versions).flatMap((kinds) => Object.keys(kinds)))],
  }));
}

export function hasModel(gvk: GroupVersionKind): boolean {
  return MODELS[gvk.group]?.[gvk.version]?.[gvk.kind] !== undefined;
}

/**
 * The schema violations in an object's metadata and spec; status is the controllers' and is not checked,
 * as Knative's webhook does not. Undefined when no model covers the kind.
 */
export function schemaViolations(gvk: GroupVersionKind, object: unknown): FieldViolation[] | undefined {
  const Model = MODELS[gvk.group]?.[gvk.version]?.[gvk.kind];
  if (!Model) return undefined;
  try {
    new Model(object as never).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: SchemaError[] }).errors;
    if (!Array.isArray(errors)) throw e;
    const relevant = errors.filter((err) => !err.instancePath.startsWith('/status'));
    return describeSchemaErrors(relevant, object);
  }
}
