import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUIREMENTS } from '../../suites/catalog.ts';
import { MUTANTS } from '../../targets/reference/mutants/catalog.ts';
import { LAYERS, LEVELS } from '../requirements/types.ts';
import { discoverSpecs } from './discover.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const specs = discoverSpecs(join(ROOT, 'suites'));

describe('the requirement catalog', () => {
  it('declares each id once, with a level, layer, upstream clause and bound', () => {
    const ids = REQUIREMENTS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of REQUIREMENTS) {
      expect(r.id).toMatch(/^[A-Z]+(\.[A-Z0-9-]+)+$/);
      expect(LEVELS).toContain(r.level);
      expect(LAYERS).toContain(r.layer);
      expect(r.id.startsWith(`${r.layer.toUpperCase()}.`)).toBe(true);
      expect(r.upstream.length).toBeGreaterThan(10);
      expect(r.bound.length).toBeGreaterThan(3);
    }
  });

  it('has exactly one implementation per declared requirement, and none undeclared', () => {
    const implemented = specs.flatMap((s) => s.implements);
    for (const r of REQUIREMENTS) expect(implemented.filter((id) => id === r.id), r.id).toHaveLength(1);
    for (const id of implemented) expect(REQUIREMENTS.map((r) => r.id)).toContain(id);
  });

  it('has a mutant for every requirement, and every mutant names declared requirements', () => {
    const ids = new Set(REQUIREMENTS.map((r) => r.id));
    const killed = new Set<string>(MUTANTS.flatMap((m): string[] => [...m.mustFail]));
    // Mutants whose requirements arrive with the serving suites name none yet; they are not run.
    for (const r of REQUIREMENTS) expect(killed.has(r.id), `${r.id} has no mutant that must fail it`).toBe(true);
    for (const m of MUTANTS) for (const id of m.mustFail as readonly string[]) expect(ids.has(id), `${m.name} names unknown ${id}`).toBe(true);
    expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
  });
});
