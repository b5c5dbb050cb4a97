import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigSpec {
  server: string;
  caPem: string;
  token: string;
  user: string;
  /** Context and cluster name as a user sees them in `kubectl config get-contexts`. */
  name: string;
}

export function kubeconfigYaml(s: KubeconfigSpec): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: s.name, cluster: { server: s.server, 'certificate-authority-data': Buffer.from(s.caPem).toString('base64') } }],
    users: [{ name: s.user, user: { token: s.token } }],
    contexts: [{ name: s.name, context: { cluster: s.name, user: s.user } }],
    'current-context': s.name,
    preferences: {},
  });
}

export function writeKubeconfig(path: string, s: KubeconfigSpec): string {
  writeFileSync(path, kubeconfigYaml(s), { mode: 0o600 });
  return path;
}
