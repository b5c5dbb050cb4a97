/**
 * Knative's apis.FieldError, as its webhook prints it: `<message>: <path>, <path>` (then the details on the
 * next line), errors with the same message merged, their paths sorted, the errors sorted by message and
 * joined by newlines.
 */
export interface FieldError {
  message: string;
  paths: string[];
  details?: string;
}

export const errMissingField = (...paths: string[]): FieldError => ({ message: 'missing field(s)', paths });
export const errDisallowedFields = (...paths: string[]): FieldError => ({ message: 'must not set the field(s)', paths });
export const errMissingOneOf = (...paths: string[]): FieldError => ({ message: 'expected exactly one, got neither', paths });
export const errMultipleOneOf = (...paths: string[]): FieldError => ({ message: 'expected exactly one, got both', paths });
export const errOutOfBounds = (value: number, lower: number, upper: number, path: string): FieldError => ({
  message: `expected ${lower} <= ${value} <= ${upper}`,
  paths: [path],
});
export const errInvalidValue = (value: string, path: string, details?: string): FieldError => ({
  message: `invalid value: ${value}`,
  paths: [path],
  ...(details ? { details } : {}),
});
export const errInvalidKeyName = (key: string, path: string, details?: string): FieldError => ({
  message: `invalid key name ${JSON.stringify(key)}`,
  paths: [path],
  ...(details ? { details } : {}),
});

/** The lines Knative prints for a set of errors. */
export function renderFieldErrors(errors: readonly FieldError[]): string[] {
  const merged = new Map<string, FieldError>();
  for (const e of errors) {
    const key = `${e.message}\u0000${e.details ?? ''}`;
    const prior = merged.get(key);
    if (prior) prior.paths = [...prior.paths, ...e.paths.filter((p) => !prior.paths.includes(p))];
    else merged.set(key, { ...e, paths: [...e.paths] });
  }
  return [...merged.values()]
    .map((e) => ({ ...e, paths: [...e.paths].sort() }))
    .sort((a, b) => (a.message === b.message ? (a.details ?? '').localeCompare(b.details ?? '') : a.message < b.message ? -1 : 1))
    .map((e) => `${e.message}: ${e.paths.join(', ')}${e.details ? `\n${e.details}` : ''}`);
}
