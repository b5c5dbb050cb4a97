import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../lib/testing/temp-dir.ts';
import type { Cluster } from '../cluster/cluster.ts';
import { layerFacts } from './facts.ts';

const dir = tempDir('facts');
afterAll(() => dir.remove());
const FACTS = join(import.meta.dirname, 'facts.ts');

function layer(name: string, source: string): void {
  mkdirSync(join(dir.path, name), { recursive: true });
  writeFileSync(join(dir.path, name, 'facts.ts'), source);
}

describe('layer facts', () => {
  it('reads each layer\'s facts through the cluster, keyed layer/name; a reader that fails records why', async () => {
    layer('serving', `import { defineTargetFacts } from ${JSON.stringify(FACTS)};
export default defineTargetFacts({
  'config-autoscaler': async (cluster) => cluster.readConfigMap('knative-serving', 'config-autoscaler'),
  broken: async () => { throw new Error('forbidden'); },
});\n`);
    const cluster = { readConfigMap: (ns: string, name: string) => Promise.resolve({ read: `${ns}/${name}` }) } as unknown as Cluster;
    expect(await layerFacts(dir.path, cluster)).toEqual({
      'serving/config-autoscaler': { read: 'knative-serving/config-autoscaler' },
      'serving/broken': { error: 'forbidden' },
    });
  });

  it('refuses a facts.ts whose default export is not defineTargetFacts', async () => {
    layer('mesh', 'export default { nope: 1 };\n');
    await expect(layerFacts(dir.path, {} as Cluster)).rejects.toThrow(/mesh\/facts.ts: its default export must be defineTargetFacts/);
  });
});
