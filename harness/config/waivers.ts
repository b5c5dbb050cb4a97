/**
 * Waivers: a vendor's open statement that its platform deviates from a requirement, read from a YAML or JSON
 * file (`--waivers FILE`, or `waivers` in gauntlet.config.ts, as a path or the list itself):
 *
 * ```yaml
 * waivers:
 *   - requirement: SERVING.RUNTIME.HEADERS-X-FORWARDED      # an id, or a glob under a layer: SERVING.RUNTIME.*
 *     reason: Our edge proxy rewrites X-Forwarded-For (PLAT-1234)
 *     expires: 2026-06-30                                    # the last day (UTC) it applies
 *   - requirement: SERVING.RUNTIME.HEADERS
 *     expectation: Forwarded says proto=http                 # only this MUST expectation, by its claim
 *     reason: TLS ends at the load balancer (PLAT-1240)
 *     expires: 2026-03-31
 * ```
 *
 * The runner applies them to the results (harness/runner/waivers.ts). Bad input is a UserError naming the
 * file, the entry, the field and the fix: the CLI exits 2 before anything starts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { UserError } from '../../lib/errors.ts';
import { LAYERS } from '../requirements/types.ts';

const LAYER_PREFIXES = LAYERS.map((l) => `${l.toUpperCase()}.`);
const EXAMPLE_DATE = '2026-06-30';

/**
 * A requirement id (`SERVING.RUNTIME.TIMEOUT`) or a glob as `--requirement` takes it (`SERVING.RUNTIME.*`),
 * under a named layer: a waiver says what it waives, so `*` or `*.TIMEOUT` alone is refused.
 */
const RequirementPattern = z
  .string({ error: (i) => `${i.input === undefined ? 'required' : 'not text'}: the requirement id (SERVING.RUNTIME.TIMEOUT) or a glob under a layer (SERVING.RUNTIME.*)` })
  .trim()
  .refine((s) => /^[A-Z0-9.*?{},[\]!-]+$/.test(s), {
    abort: true,
    error: (i) => `${JSON.stringify(i.input)} is not a requirement id: ids are upper case, LAYER.AREA.NAME (globs add * ? {a,b}); see \`gauntlet requirements\``,
  })
  .refine((s) => LAYER_PREFIXES.some((p) => s.startsWith(p)), {
    error: (i) => `${JSON.stringify(i.input)} names no layer: a waiver names a requirement id, or a glob that starts with its layer (${LAYER_PREFIXES.join(', ')}), e.g. SERVING.RUNTIME.TIMEOUT or SERVING.RUNTIME.*`,
  });

export const WaiverSchema = z.strictObject(
  {
    requirement: RequirementPattern,
    expectation: z
      .string({ error: 'not text: the claim of one MUST expectation, exactly as results.json records it (requirements[].evidence.expectations[].claim); leave it out to waive the whole requirement' })
      .trim()
      .min(1, { error: 'empty: give the claim of one MUST expectation as results.json records it, or leave the field out to waive the whole requirement' })
      .optional(),
    reason: z
      .string({ error: (i) => `${i.input === undefined ? 'required' : 'not text'}: say why the platform deviates, and where it is tracked` })
      .trim()
      .min(1, { error: 'empty: say why the platform deviates, and where it is tracked' }),
    expires: z
      .string({ error: (i) => `${i.input === undefined ? 'required' : `${JSON.stringify(i.input)} is not a date`}: the last day the waiver applies, as YYYY-MM-DD (e.g. ${EXAMPLE_DATE}; quote it in JSON)` })
      .pipe(z.iso.date({ error: (i) => `${JSON.stringify(i.input)} is not a date: the last day the waiver applies, as YYYY-MM-DD (e.g. ${EXAMPLE_DATE})` })),
  },
  { error: (i) => (i.code === 'unrecognized_keys' ? `unknown field ${i.keys.map((k) => JSON.stringify(k)).join(', ')}: a waiver has requirement, expectation (optional), reason and expires` : 'a waiver is a mapping: requirement, expectation (optional), reason, expires') },
);

export type Waiver = z.output<typeof WaiverSchema>;

/** The list, checked for entries that say the same thing twice. */
export const WaiverListSchema = z
  .array(WaiverSchema, { error: (i) => `${i.input === undefined ? 'required' : 'not a list'}: a list of waivers, each with requirement, reason and expires` })
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((w, i) => {
      const key = `${w.requirement}\u0000${w.expectation ?? ''}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else ctx.addIssue({ code: 'custom', path: [i, 'requirement'], message: `waives what entry ${first + 1} waives already: merge the two into one entry` });
    });
  });

export const WaiverFileSchema = z.strictObject(
  { waivers: WaiverListSchema },
  { error: (i) => (i.code === 'unrecognized_keys' ? `unknown field ${i.keys.map((k) => JSON.stringify(k)).join(', ')}: a waiver file has one field, \`waivers:\`, a list` : 'a waiver file is a mapping with one field, `waivers:`, a list of entries (requirement, reason, expires)') },
);

/** A waiver with where it was declared, for messages and reports. */
export interface DeclaredWaiver extends Waiver {
  /** `FILE, entry N` (N from 1). */
  source: string;
}

/** `waivers[2] (SERVING.X)`: the path of an issue, with the entry's requirement when there is one. */
function where(path: readonly PropertyKey[], value: unknown): string {
  const [top, index, ...rest] = path;
  if (top !== 'waivers' || typeof index !== 'number') return path.length > 0 ? path.map(String).join('.') : '(top level)';
  const entry = (value as { waivers?: unknown[] } | null)?.waivers?.[index] as { requirement?: unknown } | undefined;
  const named = typeof entry?.requirement === 'string' ? ` (${entry.requirement})` : '';
  return [`entry ${index + 1}${named}`, ...rest.map(String)].join(': ');
}

/** Validates a waiver file's content; `file` names it in errors. */
export function parseWaivers(file: string, value: unknown): DeclaredWaiver[] {
  if (value === null || value === undefined) {
    throw new UserError(`${file}: is empty: write \`waivers:\` with a list of entries (requirement, reason, expires), or leave --waivers out`);
  }
  const parsed = WaiverFileSchema.safeParse(value);
  if (!parsed.success) throw new UserError(parsed.error.issues.map((i) => `${file}: ${where(i.path, value)}: ${i.message}`).join('; '));
  return parsed.data.waivers.map((w, i) => ({ ...w, source: `${file}, entry ${i + 1}` }));
}

/** Reads and validates a waiver file (YAML, or JSON: YAML reads both); a relative path is taken from `cwd`. */
export function loadWaivers(file: string, cwd = process.cwd()): DeclaredWaiver[] {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`waivers ${file}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (e as Error).message})`}`);
  }
  const doc = parseDocument(text);
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    const message = (error.message.split('\n', 1)[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError(`${file}:${at ? `${at.line}:${at.col}:` : ''} not valid YAML or JSON: ${message}`);
  }
  return parseWaivers(file, doc.toJS());
}

/** Waivers written in the config itself (`waivers: [...]`), named by the config file. */
export function declaredInConfig(file: string, waivers: readonly Waiver[]): DeclaredWaiver[] {
  return waivers.map((w, i) => ({ ...w, source: `${file}, waivers entry ${i + 1}` }));
}
