import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../targets/reference/index.ts';
import { ROOT } from './cli.ts';

// The reference's README says what it offers: one row per mutant of mutants/offered.ts, with its parameter.
describe("the reference README's mutant table", () => {
  const rows = readFileSync(join(ROOT, 'targets/reference/README.md'), 'utf8')
    .split('\n')
    .flatMap((line) => {
      const row = /^\| `([a-z0-9-]+)` \| (.*?) \| (.+) \|$/.exec(line);
      return row ? [{ name: row[1] ?? '', parameter: row[2] ?? '', breaks: row[3] ?? '' }] : [];
    });

  it('has a row for every mutant offered, and none for a mutant that is not', () => {
    expect(rows.map((r) => r.name).sort()).toEqual(MUTANTS.map((m) => m.name).sort());
  });

  it('gives each mutant with a magnitude its parameter, range and default, and says what each breaks', () => {
    for (const m of MUTANTS) {
      const row = rows.find((r) => r.name === m.name);
      const p = 'parameter' in m ? m.parameter : undefined;
      const expected = p ? `\`${m.name}=${p.name.toUpperCase()}\`: ${p.name} in ${p.unit}, ${p.min}-${p.max}, default ${p.default}` : '—';
      expect(row?.parameter, m.name).toBe(expected);
      expect(row?.breaks.length, m.name).toBeGreaterThan(10);
    }
  });
});
