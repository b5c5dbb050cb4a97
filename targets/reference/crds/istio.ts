/**
 * networking.istio.io and security.istio.io, as istio's manifests/charts/base/files/crd-all.gen.yaml:
 * v1 is the storage version, v1beta1 (and v1alpha3 for networking) are served too. spec is kept as sent and
 * validated by the admission webhook (../webhook) with @kubernetes-models/istio, which is generated from
 * that same file; status is free-form as upstream's.
 */
import { AGE, col, defineCrd, preserveUnknown, version, type CustomResourceDefinition, type PrinterColumn } from './schema.ts';

const LABELS = { app: 'istio-pilot', chart: 'istio', heritage: 'Tiller', release: 'istio' };

interface IstioKind {
  kind: string;
  plural: string;
  singular: string;
  shortNames?: string[];
  columns?: PrinterColumn[];
}

function istioCrd(group: 'networking.istio.io' | 'security.istio.io', k: IstioKind): CustomResourceDefinition {
  const area = group.split('.')[0]!;
  const versions = group === 'networking.istio.io' ? ['v1', 'v1alpha3', 'v1beta1'] : ['v1', 'v1beta1'];
  return defineCrd({
    group,
    kind: k.kind,
    plural: k.plural,
    singular: k.singular,
    ...(k.shortNames ? { shortNames: k.shortNames } : {}),
    categories: ['istio-io', `${area}-istio-io`],
    labels: group === 'security.istio.io' ? { ...LABELS, istio: 'security' } : LABELS,
    versions: versions.map((name) =>
      version(name, {
        storage: name === 'v1',
        statusSubresource: true,
        ...(k.columns ? { columns: k.columns } : {}),
        spec: preserveUnknown('validated by the admission webhook'),
        status: preserveUnknown(),
      }),
    ),
  });
}

export const ISTIO_CRDS: CustomResourceDefinition[] = [
  istioCrd('networking.istio.io', {
    kind: 'VirtualService',
    plural: 'virtualservices',
    singular: 'virtualservice',
    shortNames: ['vs'],
    columns: [
      col('Gateways', '.spec.gateways', 'string', { description: 'The names of gateways and sidecars that should apply these routes' }),
      col('Hosts', '.spec.hosts', 'string', { description: 'The destination hosts to which traffic is being sent' }),
      AGE,
    ],
  }),
  istioCrd('networking.istio.io', {
    kind: 'DestinationRule',
    plural: 'destinationrules',
    singular: 'destinationrule',
    shortNames: ['dr'],
    columns: [col('Host', '.spec.host', 'string', { description: 'The name of a service from the service registry' }), AGE],
  }),
  istioCrd('networking.istio.io', { kind: 'Gateway', plural: 'gateways', singular: 'gateway', shortNames: ['gw'] }),
  istioCrd('networking.istio.io', {
    kind: 'ServiceEntry',
    plural: 'serviceentries',
    singular: 'serviceentry',
    shortNames: ['se'],
    columns: [
      col('Hosts', '.spec.hosts', 'string', { description: 'The hosts associated with the ServiceEntry' }),
      col('Location', '.spec.location', 'string', {
        description: 'Whether the service is external to the mesh or part of the mesh (MESH_EXTERNAL or MESH_INTERNAL)',
      }),
      col('Resolution', '.spec.resolution', 'string', { description: 'Service resolution mode for the hosts (NONE, STATIC, or DNS)' }),
      AGE,
    ],
  }),
  istioCrd('networking.istio.io', { kind: 'Sidecar', plural: 'sidecars', singular: 'sidecar' }),
  istioCrd('security.istio.io', {
    kind: 'PeerAuthentication',
    plural: 'peerauthentications',
    singular: 'peerauthentication',
    shortNames: ['pa'],
    columns: [col('Mode', '.spec.mtls.mode', 'string', { description: 'Defines the mTLS mode used for peer authentication.' }), AGE],
  }),
  istioCrd('security.istio.io', {
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    singular: 'authorizationpolicy',
    shortNames: ['ap'],
    columns: [col('Action', '.spec.action', 'string', { description: 'The operation to take.' }), AGE],
  }),
  istioCrd('security.istio.io', {
    kind: 'RequestAuthentication',
    plural: 'requestauthentications',
    singular: 'requestauthentication',
    shortNames: ['ra'],
  }),
];
