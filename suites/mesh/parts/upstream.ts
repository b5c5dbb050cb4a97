/**
 * The Istio documents the mesh requirements cite, as the opening of their `upstream` clauses. The API
 * reference is generated from the proto comments of istio/api (security/v1beta1/*.proto,
 * networking/v1alpha3/*.proto, the same text for v1); the concepts page is istio.io's
 * content/en/docs/concepts/security/index.md. Quotes in the clauses are those texts' exact words.
 */

export const VS = 'Istio API reference, networking.istio.io/v1 VirtualService';
export const DR = 'Istio API reference, networking.istio.io/v1 DestinationRule';
export const FAULT = `${VS}, HTTPFaultInjection`;
export const PEER_AUTHENTICATION = 'Istio API reference, security.istio.io/v1 PeerAuthentication, MutualTLS.Mode';
export const AUTHZ = 'Istio API reference, security.istio.io/v1 AuthorizationPolicy';
export const SECURITY = 'Istio concepts, "Security"';
