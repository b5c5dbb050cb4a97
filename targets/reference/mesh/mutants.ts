import type { ActiveMutants } from '../mutants/active.ts';

/**
 * The active mutants that concern the mesh (mutants/offered.ts), as the flags its translation and its certificate
 * rotation read: each flag is true when its mutant is active.
 */
export interface ActiveMeshMutants {
  strictAcceptsPlaintext: boolean;
  permissiveAsStrict: boolean;
  identityNotForwarded: boolean;
  foreignCaTrusted: boolean;
  certsNeverRotate: boolean;
  authzIgnored: boolean;
  ignoresHeaderMatch: boolean;
  weightsSkewed: boolean;
  faultRateHalved: boolean;
  retriesIgnored: boolean;
  timeoutIgnored: boolean;
  mirrorIgnored: boolean;
  noOverflowLimit: boolean;
  noEjection: boolean;
  gatewayIgnoresVirtualServices: boolean;
}

export function activeMeshMutants(active: ActiveMutants): ActiveMeshMutants {
  return {
    strictAcceptsPlaintext: active.has('strict-accepts-plaintext'),
    permissiveAsStrict: active.has('permissive-as-strict'),
    identityNotForwarded: active.has('identity-not-forwarded'),
    foreignCaTrusted: active.has('foreign-ca-trusted'),
    certsNeverRotate: active.has('certs-never-rotate'),
    authzIgnored: active.has('authz-ignored'),
    ignoresHeaderMatch: active.has('ignores-header-match'),
    weightsSkewed: active.has('mesh-weights-skewed'),
    faultRateHalved: active.has('fault-rate-halved'),
    retriesIgnored: active.has('retries-ignored'),
    timeoutIgnored: active.has('timeout-ignored'),
    mirrorIgnored: active.has('mirror-ignored'),
    noOverflowLimit: active.has('no-overflow-limit'),
    noEjection: active.has('no-ejection'),
    gatewayIgnoresVirtualServices: active.has('gateway-ignores-virtualservices'),
  };
}
