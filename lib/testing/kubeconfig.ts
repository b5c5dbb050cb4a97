import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A kubeconfig for a cluster nobody serves (127.0.0.1:9), for tests of code that only builds clients from
 * it; written into `dir`, its path returned.
 */
export function unreachableKubeconfig(dir: string): string {
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, [
    'apiVersion: v1', 'kind: Config', 'current-context: c',
    'clusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]',
    'contexts: [{name: c, context: {cluster: c, user: u}}]', 'users: [{name: u, user: {}}]', '',
  ].join('\n'));
  return file;
}
