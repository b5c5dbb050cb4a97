import { describe, expect, it } from 'vitest';
import { UserError } from '../../lib/errors.ts';
import type { RequirementDeclaration } from '../requirements/types.ts';
import { atLeast, select } from './select.ts';
import { suiteMatches, type SpecFile } from './discover.ts';

const decl = (id: string, level: RequirementDeclaration['level']): RequirementDeclaration => ({
  id, level, layer: 'serving', title: id, upstream: 'spec', bound: 'config',
});
const catalog = [decl('SERVING.A', 'MUST'), decl('SERVING.B', 'SHOULD'), decl('SERVING.C', 'MAY'), decl('SERVING.D', 'MUST')];
const specs: SpecFile[] = [
  { path: '/s/serving/a.spec.ts', suite: 'serving/a', implements: ['SERVING.A', 'SERVING.B'] },
  { path: '/s/serving/c.spec.ts', suite: 'serving/c', implements: ['SERVING.C'] },
  { path: '/s/mesh/d.spec.ts', suite: 'mesh/d', implements: ['SERVING.D'] },
];

describe('selection', () => {
  it('selects everything implemented by default', () => {
    const s = select(catalog, specs, { suites: [], requirements: [], level: undefined });
    expect(s.requirements.map((r) => r.id)).toEqual(['SERVING.A', 'SERVING.B', 'SERVING.C', 'SERVING.D']);
    expect(s.files).toHaveLength(3);
  });

  it('--level selects that level and stronger ones', () => {
    expect(atLeast('MUST', 'SHOULD')).toBe(false);
    expect(atLeast('SHOULD', 'MUST')).toBe(true);
    const s = select(catalog, specs, { suites: [], requirements: [], level: 'SHOULD' });
    expect(s.requirements.map((r) => r.id)).toEqual(['SERVING.A', 'SERVING.B', 'SERVING.D']);
  });

  it('--suite by layer, glob or name; only files with selected requirements run', () => {
    expect(suiteMatches('serving/a', 'serving')).toBe(true);
    expect(suiteMatches('serving/a', 'serving/*')).toBe(true);
    expect(suiteMatches('mesh/d', 'serving')).toBe(false);
    const s = select(catalog, specs, { suites: ['serving'], requirements: [], level: 'MUST' });
    expect(s.requirements.map((r) => r.id)).toEqual(['SERVING.A']);
    expect(s.files.map((f) => f.suite)).toEqual(['serving/a']);
  });

  it('--requirement by id or glob', () => {
    expect(select(catalog, specs, { suites: [], requirements: ['SERVING.C'], level: undefined }).files.map((f) => f.suite)).toEqual(['serving/c']);
    expect(select(catalog, specs, { suites: [], requirements: ['SERVING.*'], level: 'MUST' }).requirements).toHaveLength(2);
  });

  it('refuses what selects nothing, naming what is valid', () => {
    expect(() => select(catalog, specs, { suites: ['nope'], requirements: [], level: undefined })).toThrow(/--suite nope: matches no suite; suites: serving\/a, serving\/c, mesh\/d/);
    expect(() => select(catalog, specs, { suites: [], requirements: ['X.Y'], level: undefined })).toThrow(UserError);
    expect(() => select(catalog, specs, { suites: ['serving/c'], requirements: [], level: 'MUST' })).toThrow(/leaves no requirement/);
  });
});
