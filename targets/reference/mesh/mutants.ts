import type { Defects } from '../mutants/catalog.ts';

/** The mesh's mutants (targets/reference/mutants/catalog.ts) as the flags of the code that carries each defect. */
export interface MeshMutants {
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

export function mutantsOf(d: Defects): MeshMutants {
  return {
    strictAcceptsPlaintext: d.has('strict-accepts-plaintext'),
    permissiveAsStrict: d.has('permissive-as-strict'),
    identityNotForwarded: d.has('identity-not-forwarded'),
    foreignCaTrusted: d.has('foreign-ca-trusted'),
    certsNeverRotate: d.has('certs-never-rotate'),
    authzIgnored: d.has('authz-ignored'),
    ignoresHeaderMatch: d.has('ignores-header-match'),
    weightsSkewed: d.has('mesh-weights-skewed'),
    faultRateHalved: d.has('fault-rate-halved'),
    retriesIgnored: d.has('retries-ignored'),
    timeoutIgnored: d.has('timeout-ignored'),
    mirrorIgnored: d.has('mirror-ignored'),
    noOverflowLimit: d.has('no-overflow-limit'),
    noEjection: d.has('no-ejection'),
    gatewayIgnoresVirtualServices: d.has('gateway-ignores-virtualservices'),
  };
}
