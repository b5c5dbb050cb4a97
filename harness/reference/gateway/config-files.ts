import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The discovery responses Envoy reads from files: one per resource type, each in its own watched directory
 * (a rename into the directory makes Envoy reload that file), written atomically and only when changed.
 */
export class ConfigFiles {
  readonly cdsDir: string;
  readonly cdsPath: string;
  readonly rdsDir: string;
  readonly rdsPath: string;
  private readonly tmpDir: string;
  private readonly written = new Map<string, string>();

  constructor(root: string) {
    this.cdsDir = join(root, 'cds');
    this.rdsDir = join(root, 'rds');
    this.tmpDir = join(root, 'tmp');
    this.cdsPath = join(this.cdsDir, 'cds.json');
    this.rdsPath = join(this.rdsDir, 'rds.json');
    for (const d of [this.cdsDir, this.rdsDir, this.tmpDir]) mkdirSync(d, { recursive: true });
  }

  /** Writes the clusters; returns their version, or undefined when the file already holds them. */
  writeClusters(resources: readonly object[]): string | undefined {
    return this.write(this.cdsPath, resources);
  }

  /** Writes the route configuration; returns its version, or undefined when the file already holds it. */
  writeRoutes(resources: readonly object[]): string | undefined {
    return this.write(this.rdsPath, resources);
  }

  private write(path: string, resources: readonly object[]): string | undefined {
    const body = JSON.stringify(resources);
    if (this.written.get(path) === body) return undefined;
    const version = versionOf(body);
    const tmp = join(this.tmpDir, `${version}.json`);
    writeFileSync(tmp, `${JSON.stringify({ version_info: version, resources }, null, 1)}\n`);
    renameSync(tmp, path);
    this.written.set(path, body);
    return version;
  }
}

/** A content hash: the same resources always get the same version_info. */
export function versionOf(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}
