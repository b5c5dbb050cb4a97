import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseImageReference } from './image-reference.ts';

/**
 * The image map: which local program runs for a container image. The process kubelet runs a container by
 * running the program its image names here. See `fixtures/workloads/images.yaml` for the format.
 *
 * Matching: a pod's image and the map's `image` are both normalized as Docker does (see
 * `image-reference.ts`) and match when their repositories are equal; the pod's tag or digest is ignored,
 * since there is one local program per repository. `gauntlet/probe`, `gauntlet/probe:0.1.0` and
 * `docker.io/gauntlet/probe:tag` all run the `gauntlet/probe` entry; `ghcr.io/gauntlet/probe` does not.
 *
 * Command: `{node}` stands for the Node binary that runs the reference (`process.execPath`); an argument
 * starting with `./` or `../`, and a program (first element) that contains a `/`, resolve against the
 * image map file's directory; a bare program name is looked up on the container's PATH.
 */
export const DEFAULT_IMAGES_FILE = fileURLToPath(new URL('../../../fixtures/workloads/images.yaml', import.meta.url));

export interface Workload {
  /** The repository as written in the image map, e.g. `gauntlet/probe`. */
  image: string;
  /** Normalized, e.g. `docker.io/gauntlet/probe`. */
  repository: string;
  /** Resolved argv: the program and its arguments, before the pod's `args`. */
  command: string[];
  /** The environment variable through which the program learns the pod IP to bind. */
  bindAddressEnv: string;
  description: string;
  /**
   * The mesh's sidecar proxy: a pod running it is meshed, the sidecar binds the pod IP and the pod's other
   * containers bind the pod's local address (see `podLocalAddress`).
   */
  meshSidecar?: boolean;
  /** A stable stand-in for an image digest: `repository@sha256:` of the image map's entry. */
  imageID: string;
}

export interface WorkloadImages {
  /** The image map's file, for messages that tell a user where to add an image. */
  readonly file: string;
  readonly workloads: readonly Workload[];
  /** The workload a container image runs, or undefined when the image is not in the map (or invalid). */
  find(image: string): Workload | undefined;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const entrySchema = z.strictObject({
  image: z
    .string()
    .min(1)
    .refine((s) => {
      const ref = parseImageReference(s);
      return ref !== undefined && ref.tag === undefined && ref.digest === undefined;
    }, 'must be an image repository without tag or digest, e.g. gauntlet/probe'),
  description: z.string().min(1, 'must say what the workload is'),
  command: z.array(z.string().min(1, 'must not be empty')).min(1, 'must name a program'),
  bindAddressEnv: z.string().regex(ENV_NAME, 'must be an environment variable name'),
  meshSidecar: z.boolean().optional(),
});

const imagesSchema = z.strictObject({ workloads: z.array(entrySchema) }).superRefine((c, ctx) => {
  const seen = new Map<string, number>();
  c.workloads.forEach((w, i) => {
    const repo = parseImageReference(w.image)?.repository ?? w.image;
    const before = seen.get(repo);
    if (before !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['workloads', i, 'image'], message: `repeats workloads[${before}].image (${repo})` });
    }
    seen.set(repo, i);
  });
});

export class WorkloadImagesError extends Error {
  readonly file: string;
  constructor(file: string, problems: string[]) {
    super(`invalid image map ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.file = file;
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '') || '(top level)';
}

export function loadWorkloadImages(file: string = DEFAULT_IMAGES_FILE): WorkloadImages {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new WorkloadImagesError(file, [`cannot be read: ${(e as Error).message}`]);
  }
  return parseWorkloadImages(text, file);
}

/** Parses and checks image map YAML; relative paths resolve against `file`'s directory. */
export function parseWorkloadImages(text: string, file: string): WorkloadImages {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new WorkloadImagesError(file, [`is not valid YAML: ${(e as Error).message}`]);
  }
  const parsed = imagesSchema.safeParse(doc);
  if (!parsed.success) {
    throw new WorkloadImagesError(file, parsed.error.issues.map((i) => `${fieldPath(i.path)}: ${i.message}`));
  }
  const base = dirname(resolve(file));
  const problems: string[] = [];
  const workloads = parsed.data.workloads.map((entry, i): Workload => {
    const command = entry.command.map((arg, j) => {
      if (arg === '{node}') return process.execPath;
      const isPath = arg.startsWith('./') || arg.startsWith('../') || (j === 0 && arg.includes('/') && !isAbsolute(arg));
      if (!isPath) return arg;
      const path = resolve(base, arg);
      if (!existsSync(path)) problems.push(`workloads[${i}].command[${j}]: ${arg} does not exist (resolved to ${path})`);
      return path;
    });
    const repository = parseImageReference(entry.image)!.repository;
    const digest = createHash('sha256').update(JSON.stringify({ repository, command: entry.command })).digest('hex');
    return { ...entry, repository, command, imageID: `${repository}@sha256:${digest}` };
  });
  if (problems.length > 0) throw new WorkloadImagesError(file, problems);
  const byRepository = new Map(workloads.map((w) => [w.repository, w]));
  return {
    file: resolve(file),
    workloads,
    find(image) {
      const ref = parseImageReference(image);
      return ref === undefined ? undefined : byRepository.get(ref.repository);
    },
  };
}
