import { describe, expect, it } from 'vitest';
import { LAYERS, LEVELS } from '../harness/index.ts';
import { MUTANTS, parseMutant } from '../targets/reference/index.ts';
import { REQUIREMENTS } from './mutants.ts';

// The suites say which of the reference's mutants each requirement must fail; the reference offers them.
describe('the requirements and the mutants that kill them', () => {
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

  it('names for every requirement at least one mutant the reference offers, at a magnitude it accepts', () => {
    for (const r of REQUIREMENTS) {
      expect(r.mutants.length, `${r.id} names no mutant that must fail it`).toBeGreaterThan(0);
      for (const m of r.mutants) expect(parseMutant(m), `${r.id}: ${m}`).not.toHaveProperty('error');
    }
  });

  it('has every mutant the reference offers kill at least one requirement', () => {
    const named = new Set(REQUIREMENTS.flatMap((r) => r.mutants.map((m) => m.split('=', 1)[0])));
    for (const m of MUTANTS) expect(named.has(m.name), `no requirement must fail against ${m.name}`).toBe(true);
    expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
  });
});
