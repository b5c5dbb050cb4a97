// Regenerates results.schema.json from the zod schema: `node harness/report/write-json-schema.ts`.
// With `--check` it writes nothing and exits 1 if the committed file is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { RESULTS_SCHEMA_PATH, renderResultsJsonSchema } from './json-schema.ts';

const expected = renderResultsJsonSchema();
if (process.argv.includes('--check')) {
  const actual = await readFile(RESULTS_SCHEMA_PATH, 'utf8').catch(() => '');
  if (actual !== expected) {
    console.error(`${RESULTS_SCHEMA_PATH} is stale: run node harness/report/write-json-schema.ts`);
    process.exitCode = 1;
  }
} else {
  await writeFile(RESULTS_SCHEMA_PATH, expected);
  console.log(`wrote ${RESULTS_SCHEMA_PATH}`);
}
