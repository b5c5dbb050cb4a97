import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RunReportSchema } from './schema.ts';

export const RESULTS_SCHEMA_ID = 'https://gauntlet.dev/schemas/results.v3.json';
export const RESULTS_SCHEMA_PATH = fileURLToPath(new URL('./results.schema.json', import.meta.url));

/** The JSON Schema of results.json, derived from RunReportSchema so the two cannot disagree. */
export function resultsJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(RunReportSchema, { target: 'draft-2020-12' });
  return {
    $schema,
    $id: RESULTS_SCHEMA_ID,
    title: 'Gauntlet run report (results.json), schema version 3',
    description:
      'One run of Gauntlet: the target, the selection, a verdict with evidence per requirement (conformance and operational profiles apart), the waivers and what became of them, warnings, and the exit code.',
    ...rest,
  };
}

/** The exact text of the committed results.schema.json. */
export function renderResultsJsonSchema(): string {
  return `${JSON.stringify(resultsJsonSchema(), null, 2)}\n`;
}
