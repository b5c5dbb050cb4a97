import { destinationRule, type ForwardResult } from '../../../harness/index.ts';

/** The probe's `x-gauntlet-version` response header: which version of the server answered. */
export const versionOf = (r: ForwardResult): string | undefined => (r.status === 200 ? r.headers?.['x-gauntlet-version'] : undefined);

/** Two meshed versions of a server, and a DestinationRule with a subset per version. */
export function twoVersions(app: string) {
  return {
    versions: [{ version: 'v1', meshed: true }, { version: 'v2', meshed: true }],
    subsets: destinationRule(app, { host: app, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }),
  };
}
