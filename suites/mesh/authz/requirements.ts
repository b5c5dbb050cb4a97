import type { RequirementDeclaration } from '../../../harness/requirements/types.ts';

const AUTHZ = 'Istio API reference, security.istio.io/v1 AuthorizationPolicy';

/** Authorization between workloads (suites/mesh/authz). */
export const AUTHZ_REQUIREMENTS: readonly RequirementDeclaration[] = [
  {
    id: 'MESH.AUTHZ.ALLOW',
    level: 'MUST',
    layer: 'mesh',
    title:
      'An ALLOW AuthorizationPolicy admits exactly what its rules match: the named principal with the named method gets through, ' +
      'another method or another principal gets 403 "RBAC: access denied"',
    upstream: `${AUTHZ}: "If there are any ALLOW policies for the workload, allow the request if any of the ALLOW policies match the request", otherwise deny; source.principals, operation.methods`,
    bound: '10 requests per case: all 200 for the allowed principal and method, all 403 with "RBAC: access denied" otherwise',
    parallel: true,
  },
  {
    id: 'MESH.AUTHZ.DENY',
    level: 'MUST',
    layer: 'mesh',
    title: 'A DENY AuthorizationPolicy refuses what it matches even where an ALLOW policy matches too, and only that',
    upstream: `${AUTHZ}: "If there are any DENY policies that match the request, deny the request" (evaluated before ALLOW); operation.paths with prefix match`,
    bound: '10 requests per path: the denied path all 403 with "RBAC: access denied", another path all 200',
    parallel: true,
  },
];
