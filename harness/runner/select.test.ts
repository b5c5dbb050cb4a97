import { describe, expect, it } from 'vitest';
import { UserError } from '../../lib/errors.ts';
import { Requirement } from '../requirements/requirement.ts';
import type { RequirementDeclaration } from '../requirements/types.ts';
import { atLeast, select } from './select.ts';
import { suiteMatches, type SpecFile } from './discover.ts';

const req = (id: string, level: RequirementDeclaration['level']): Requirement =>
  new Requirement({ id, level, layer: 'serving', title: id, upstream: 'spec', bound: 'config', mutants: ['m'] }, () => Promise.resolve(), 1000);
const specs: SpecFile[] = [
  { path: '/s/serving/a.spec.ts', suite: 'serving/a', requirements: [req('SERVING.A', 'MUST'), req('SERVING.B', 'SHOULD')] },
  { path: '/s/serving/c.spec.ts', suite: 'serving/c', requirements: [req('SERVING.C', 'MAY')] },
  { path: '/s/mesh/d.spec.ts', suite: 'mesh/d', requirements: [req('SERVING.D', 'MUST')] },
];

describe('selection', () => {
  it('selects everything implemented by default', () => {
    const s = select(specs, { suites: [], requirements: [], level: undefined });
    expect(s.requirements.map((r) => r.id)).toEqual(['SERVING.A', 'SERVING.B', 'SERVING.C', 'SERVING.D']);
    expect(s.files).toHaveLength(3);
  });

  it('--level selects that level and stronger ones', () => {
    expect(atLeast('MUST', 'SHOULD')).toBe(false);
    expect(atLeast('SHOULD', 'MUST')).toBe(true);
    const s = select(specs, { suites: [], requirements: [], level: 'SHOULD' });
    expect(s.requirements.map((r) => r.id)).toEqual(['SERVING.A', 'SERVING.B', 'SERVING.D']);
  });

  it('--suite by layer, glob or name; only files with selected requirements run', () => {
    expect(suiteMatches('serving/a', 'serving')).toBe(true);
    expect(suiteMatches('serving/a', 'serving/*')).toBe(true);
    expect(suiteMatches('mesh/d', 'serving')).toBe(false);
    const s = select(specs, { suites: ['serving'], requirements: [], level: 'MUST' });
    expect(s.requirements.map((r) => r.id)).toEqual(['SERVING.A']);
    expect(s.files.map((f) => f.suite)).toEqual(['serving/a']);
  });

  it('--requirement by id or glob', () => {
    expect(select(specs, { suites: [], requirements: ['SERVING.C'], level: undefined }).files.map((f) => f.suite)).toEqual(['serving/c']);
    expect(select(specs, { suites: [], requirements: ['SERVING.*'], level: 'MUST' }).requirements).toHaveLength(2);
  });

  it('refuses what selects nothing, naming what is valid', () => {
    expect(() => select(specs, { suites: ['nope'], requirements: [], level: undefined })).toThrow(/--suite nope: matches no suite; suites: serving\/a, serving\/c, mesh\/d/);
    expect(() => select(specs, { suites: [], requirements: ['X.Y'], level: undefined })).toThrow(UserError);
    expect(() => select(specs, { suites: ['serving/c'], requirements: [], level: 'MUST' })).toThrow(/leaves no requirement/);
  });
});
