import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The project's root folder (suites/ and fixtures/ are found from here). */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
