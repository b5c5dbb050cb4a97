import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RESULTS_SCHEMA_ID, RESULTS_SCHEMA_PATH, renderResultsJsonSchema, resultsJsonSchema } from './json-schema.ts';
import { RunReportSchema } from './schema.ts';
import { validateJsonSchema } from './testing/mini-json-schema.ts';
import { mixedReport } from './testing/sample-report.ts';

describe('results.schema.json', () => {
  it('is exactly what the zod schema produces (regenerate: node harness/report/write-json-schema.ts)', async () => {
    expect(await readFile(RESULTS_SCHEMA_PATH, 'utf8')).toBe(renderResultsJsonSchema());
  });

  it('names itself and its draft', () => {
    const schema = resultsJsonSchema();
    expect(schema.$id).toBe(RESULTS_SCHEMA_ID);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toEqual(expect.stringContaining('results.json'));
  });

  it('requires exactly the keys a sample report has, which the zod schema accepts', () => {
    const sample = mixedReport();
    expect(RunReportSchema.safeParse(sample).success).toBe(true);
    const schema = resultsJsonSchema();
    expect(schema.additionalProperties).toBe(false);
    expect([...(schema.required as string[])].sort()).toEqual(Object.keys(sample).sort());
  });

  it('accepts a sample report as written to results.json', () => {
    const written: unknown = JSON.parse(JSON.stringify(mixedReport()));
    expect(validateJsonSchema(resultsJsonSchema(), written)).toEqual([]);
  });

  it('rejects what the zod schema rejects structurally, with the path', () => {
    const sample = mixedReport();
    const bad = { ...sample, exitCode: 4, target: { ...sample.target, kind: 'minikube' } };
    expect(validateJsonSchema(resultsJsonSchema(), bad)).toEqual([
      '$.target.kind: not one of ["reference","kind","kubeconfig"]',
      '$.exitCode: not one of [0,1,2,3]',
    ]);
  });

  it('pins schemaVersion to 3', () => {
    const properties = resultsJsonSchema().properties as Record<string, { const?: unknown }>;
    expect(properties.schemaVersion?.const).toBe(3);
  });
});
