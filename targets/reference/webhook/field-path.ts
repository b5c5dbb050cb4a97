/**
 * Field paths as Kubernetes and Knative print them: `spec.template.spec.containers[0].image`,
 * `metadata.labels[app.kubernetes.io/name]`.
 */

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Appends one step to a path: an array index or an object key (bracketed when it is not a plain name). */
export function joinPath(base: string, step: string | number): string {
  if (typeof step === 'number') return `${base}[${step}]`;
  if (!PLAIN_KEY.test(step)) return `${base}[${step}]`;
  return base === '' ? step : `${base}.${step}`;
}

/**
 * Turns a JSON pointer (`/spec/template/spec/containers/0/image`, as ajv reports) into a field path. The
 * document tells array indexes from object keys that look like numbers.
 */
export function pointerToFieldPath(pointer: string, document: unknown): string {
  if (pointer === '') return '';
  const steps = pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let path = '';
  let node: unknown = document;
  for (const step of steps) {
    if (Array.isArray(node) && /^\d+$/.test(step)) {
      path = joinPath(path, Number(step));
      node = node[Number(step)];
    } else {
      path = joinPath(path, step);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[step] : undefined;
    }
  }
  return path;
}

/** The value at a JSON pointer, or undefined. */
export function valueAt(pointer: string, document: unknown): unknown {
  if (pointer === '') return document;
  let node: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const step = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? node[Number(step)] : (node as Record<string, unknown>)[step];
  }
  return node;
}
