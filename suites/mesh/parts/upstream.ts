/** The Istio documents the mesh requirements cite, as the opening of their `upstream` clauses. */

export const VS = 'Istio API reference, networking.istio.io/v1 VirtualService';
export const DR = 'Istio API reference, networking.istio.io/v1 DestinationRule';
export const FAULT = `${VS}, HTTPFaultInjection`;
export const PEER_AUTHENTICATION = 'Istio API reference, security.istio.io/v1 PeerAuthentication (mtls.mode)';
export const AUTHZ = 'Istio API reference, security.istio.io/v1 AuthorizationPolicy';
