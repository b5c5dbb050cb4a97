import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DiscoveryFile } from '../envoy/discovery-file.ts';

/**
 * The discovery responses the gateway's Envoy reads from files: one per resource type, each in its own
 * watched directory, written atomically and only when changed (`DiscoveryFile`).
 */
export class ConfigFiles {
  readonly cdsDir: string;
  readonly cdsPath: string;
  readonly rdsDir: string;
  readonly rdsPath: string;
  private readonly clusters: DiscoveryFile;
  private readonly routes: DiscoveryFile;

  constructor(root: string) {
    this.cdsDir = join(root, 'cds');
    this.rdsDir = join(root, 'rds');
    const tmpDir = join(root, 'tmp');
    this.cdsPath = join(this.cdsDir, 'cds.json');
    this.rdsPath = join(this.rdsDir, 'rds.json');
    for (const d of [this.cdsDir, this.rdsDir, tmpDir]) mkdirSync(d, { recursive: true });
    this.clusters = new DiscoveryFile(this.cdsPath, tmpDir);
    this.routes = new DiscoveryFile(this.rdsPath, tmpDir);
  }

  /** Writes the clusters; returns their version, or undefined when the file already holds them. */
  writeClusters(resources: readonly object[]): string | undefined {
    return this.clusters.write(resources);
  }

  /** Writes the route configuration; returns its version, or undefined when the file already holds it. */
  writeRoutes(resources: readonly object[]): string | undefined {
    return this.routes.write(resources);
  }
}
