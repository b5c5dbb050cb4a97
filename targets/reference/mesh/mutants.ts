import type { ActiveMutants } from '../mutants/active.ts';

/**
 * The active mutants that concern the mesh (mutants/offered.ts), as the flags its translation and its certificate
 * rotation read: each flag is true when its mutant is active; a mutant with a magnitude gives it instead
 * (undefined when inactive).
 */
export interface ActiveMeshMutants {
  strictAcceptsPlaintext: boolean;
  permissiveAsStrict: boolean;
  identityNotForwarded: boolean;
  foreignCaTrusted: boolean;
  certsNeverRotate: boolean;
  authzIgnored: boolean;
  ignoresHeaderMatch: boolean;
  /** mesh-weights-skewed's points, when active. */
  weightsSkew: number | undefined;
  /** fault-rate-off's points, when active. */
  faultRateOff: number | undefined;
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
    weightsSkew: active.value('mesh-weights-skewed'),
    faultRateOff: active.value('fault-rate-off'),
    retriesIgnored: active.has('retries-ignored'),
    timeoutIgnored: active.has('timeout-ignored'),
    mirrorIgnored: active.has('mirror-ignored'),
    noOverflowLimit: active.has('no-overflow-limit'),
    noEjection: active.has('no-ejection'),
    gatewayIgnoresVirtualServices: active.has('gateway-ignores-virtualservices'),
  };
}
