/**
 * Container image references, normalized as Docker and containerd do (distribution's `ParseNormalizedNamed`):
 * - a first path component with a `.` or `:`, or `localhost`, is a registry; otherwise the registry is
 *   `docker.io`, and `index.docker.io` is `docker.io` too;
 * - on `docker.io` a one-component name is in `library/` (`nginx` is `docker.io/library/nginx`);
 * - `:tag` (default `latest`) and `@sha256:...` are split off.
 * So `gauntlet/probe`, `gauntlet/probe:0.1.0` and `docker.io/gauntlet/probe:tag` share the repository
 * `docker.io/gauntlet/probe`, while `ghcr.io/gauntlet/probe` is another repository.
 */
export interface ImageReference {
  /** `registry/path`, e.g. `docker.io/gauntlet/probe`. */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const REGISTRY = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

/** The normalized reference, or undefined when `ref` is not a valid image reference. */
export function parseImageReference(ref: string): ImageReference | undefined {
  let rest = ref.trim();
  if (rest === '' || rest !== ref) return undefined;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first === 'index.docker.io' ? 'docker.io' : first;
    parts.shift();
    if (!REGISTRY.test(registry)) return undefined;
  }
  if (parts.length === 0 || !parts.every((p) => PATH_COMPONENT.test(p))) return undefined;
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  return { repository: `${registry}/${parts.join('/')}`, tag, digest };
}

/** The reference as a kubelet reports it in `containerStatuses[].image`: repository and tag (or digest). */
export function displayImage(ref: ImageReference): string {
  if (ref.digest !== undefined && ref.tag === undefined) return `${ref.repository}@${ref.digest}`;
  return `${ref.repository}:${ref.tag ?? 'latest'}`;
}
