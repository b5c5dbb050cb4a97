import type { RequirementDeclaration } from '../../../harness/requirements/types.ts';

/** Istio's ingress gateway configured by Gateway and VirtualService (suites/mesh/gateway). */
export const GATEWAY: readonly RequirementDeclaration[] = [
  {
    id: 'MESH.GATEWAY.ROUTE',
    level: 'MUST',
    layer: 'mesh',
    title:
      'A VirtualService bound to a Gateway that selects the ingress gateway routes requests from outside the mesh by its rules ' +
      "(user-group: beta to v2, the rest to v1) to a workload under STRICT mTLS, which sees the ingress gateway's identity",
    upstream:
      'Istio API reference, networking.istio.io/v1 Gateway (selector, servers: port, hosts) and VirtualService (gateways: "the names of gateways ' +
      'and sidecars that should apply these routes"; HTTPMatchRequest.headers); Istio security concepts, "Mutual TLS authentication" (auto mTLS from the gateway)',
    bound:
      "20 requests with the header all answered 200 by v2 and 20 without all 200 by v1, through the ingress gateway Service's http2 port; each carries the " +
      "gateway's SPIFFE id in the last x-forwarded-client-cert element; the host served within readyTimeoutSeconds of the workloads being Ready",
    parallel: true,
  },
];
