import { join } from 'node:path';

/**
 * Where one sidecar's configuration lives: `<meshDir>/proxies/<namespace>/<pod>/`. The mesh controller writes
 * it; the sidecar's launcher starts Envoy on `bootstrap.json`. Every discovery file sits in a directory of its
 * own that Envoy watches: replacing a file by a rename into its directory makes Envoy reload it.
 */
export interface ProxyFiles {
  dir: string;
  bootstrap: string;
  ldsDir: string;
  lds: string;
  cdsDir: string;
  cds: string;
  rdsDir: string;
  rds: string;
  /** SDS: the workload certificate (secret `default`) and the mesh's trust anchors (secret `ROOTCA`). */
  sdsDir: string;
  certSecret: string;
  rootSecret: string;
  /** Scratch space on the same file system, for atomic writes. */
  tmpDir: string;
}

/** Istio's names for the two secrets a sidecar asks its agent for. */
export const WORKLOAD_SECRET = 'default';
export const ROOT_SECRET = 'ROOTCA';

export function proxyFiles(meshDir: string, namespace: string, pod: string): ProxyFiles {
  return filesIn(join(meshDir, 'proxies', namespace, pod));
}

/**
 * The ingress gateway's files: `<meshDir>/gateways/<namespace>/<name>/`. Its Envoy is configured by the gateway
 * (targets/reference/gateway); of these it reads only the SDS secrets, its workload certificate for mTLS to
 * meshed destinations.
 */
export function gatewayFiles(meshDir: string, namespace: string, name: string): ProxyFiles {
  return filesIn(join(meshDir, 'gateways', namespace, name));
}

function filesIn(dir: string): ProxyFiles {
  const ldsDir = join(dir, 'lds');
  const cdsDir = join(dir, 'cds');
  const rdsDir = join(dir, 'rds');
  const sdsDir = join(dir, 'sds');
  return {
    dir,
    bootstrap: join(dir, 'bootstrap.json'),
    ldsDir, lds: join(ldsDir, 'lds.json'),
    cdsDir, cds: join(cdsDir, 'cds.json'),
    rdsDir, rds: join(rdsDir, 'rds.json'),
    sdsDir, certSecret: join(sdsDir, 'default.json'), rootSecret: join(sdsDir, 'rootca.json'),
    tmpDir: join(dir, 'tmp'),
  };
}

/** The sidecar's well-known ports, as Istio's: outbound capture, admin, health (`/healthz/ready`). */
export const SIDECAR_PORTS = { outbound: 15001, admin: 15000, health: 15021 } as const;
