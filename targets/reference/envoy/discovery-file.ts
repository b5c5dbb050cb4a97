import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A content hash: the same resources always get the same version_info. */
export function versionOf(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

/**
 * One discovery response Envoy reads from a file (`path_config_source` with `watched_directory`): written
 * atomically, a temporary file renamed into the watched directory, which is what makes Envoy reload it, and
 * only when its resources changed.
 */
export class DiscoveryFile {
  readonly path: string;
  private readonly tmpDir: string;
  private last: string | undefined;

  constructor(path: string, tmpDir: string) {
    this.path = path;
    this.tmpDir = tmpDir;
  }

  /** Writes the resources; returns their version, or undefined when the file already holds them. */
  write(resources: readonly object[]): string | undefined {
    const body = JSON.stringify(resources);
    if (this.last === body) return undefined;
    const version = versionOf(body);
    mkdirSync(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, `${version}-${process.pid}.json`);
    writeFileSync(tmp, `${JSON.stringify({ version_info: version, resources }, null, 1)}\n`);
    renameSync(tmp, this.path);
    this.last = body;
    return version;
  }
}
