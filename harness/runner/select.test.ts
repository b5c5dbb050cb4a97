import { describe, expect, it } from 'vitest';
import { UserError } from '../../lib/errors.ts';
import { Requirement } from '../requirements/requirement.ts';
import type { RequirementDeclaration } from '../requirements/types.ts';
import { atLeast, requireProfiles, select } from './select.ts';
import { suiteMatches, type SpecFile } from './discover.ts';

const req = (id: string, level: RequirementDeclaration['level'], profile: RequirementDeclaration['profile'] = 'conformance'): Requirement =>
  new Requirement({ id, level, layer: 'serving', profile, title: id, upstream: 'spec', bound: 'config', mutants: ['m'] }, () => Promise.resolve(), 1000);
const specs: SpecFile[] = [
  { path: '/s/serving/a.spec.ts', suite: 'serving/a', requirements: [req('SERVING.A', 'MUST'), req('SERVING.B', 'SHOULD', 'operational')] },
  { path: '/s/serving/c.spec.ts', suite: 'serving/c', requirements: [req('SERVING.C', 'MAY', 'operational')] },
  { path: '/s/mesh/d.spec.ts', suite: 'mesh/d', requirements: [req('SERVING.D', 'MUST')] },
];

describe('selection', () => {
  it('selects everything implemented by default', () => {
    const s = select(specs, { suites: [], requirements: [], level: undefined, profile: undefined });
    expect(s.requirements.map((r) => r.id)).toEqual(['SERVING.A', 'SERVING.B', 'SERVING.C', 'SERVING.D']);
    expect(s.files).toHaveLength(3);
  });

  it('--level selects that level and stronger ones', () => {
    expect(atLeast('MUST', 'SHOULD')).toBe(false);
    expect(atLeast('SHOULD', 'MUST')).toBe(true);
    const s = select(specs, { suites: [], requirements: [], level: 'SHOULD', profile: undefined });
    expect(s.requirements.map((r) => r.id)).toEqual(['SERVING.A', 'SERVING.B', 'SERVING.D']);
  });

  it('--suite by layer, glob or name; only files with selected requirements run', () => {
    expect(suiteMatches('serving/a', 'serving')).toBe(true);
    expect(suiteMatches('serving/a', 'serving/*')).toBe(true);
    expect(suiteMatches('mesh/d', 'serving')).toBe(false);
    const s = select(specs, { suites: ['serving'], requirements: [], level: 'MUST', profile: undefined });
    expect(s.requirements.map((r) => r.id)).toEqual(['SERVING.A']);
    expect(s.files.map((f) => f.suite)).toEqual(['serving/a']);
  });

  it('--requirement by id or glob', () => {
    expect(select(specs, { suites: [], requirements: ['SERVING.C'], level: undefined, profile: undefined }).files.map((f) => f.suite)).toEqual(['serving/c']);
    expect(select(specs, { suites: [], requirements: ['SERVING.*'], level: 'MUST', profile: undefined }).requirements).toHaveLength(2);
  });

  it('--profile selects conformance or operational requirements alone; both by default', () => {
    expect(select(specs, { suites: [], requirements: [], level: undefined, profile: 'conformance' }).requirements.map((r) => r.id)).toEqual(['SERVING.A', 'SERVING.D']);
    const operational = select(specs, { suites: [], requirements: [], level: undefined, profile: 'operational' });
    expect(operational.requirements.map((r) => r.id)).toEqual(['SERVING.B', 'SERVING.C']);
    expect(operational.files.map((f) => f.suite)).toEqual(['serving/a', 'serving/c']);
    expect(() => select(specs, { suites: ['serving/c'], requirements: [], level: undefined, profile: 'conformance' })).toThrow(/--profile\) leaves no requirement/);
  });

  it('refuses requirements that declare no profile, naming them', () => {
    const declarations = select(specs, { suites: [], requirements: [], level: undefined, profile: undefined }).requirements;
    expect(() => requireProfiles(declarations)).not.toThrow();
    const untyped = { ...declarations[0], profile: undefined } as unknown as RequirementDeclaration;
    expect(() => requireProfiles([untyped, ...declarations])).toThrow(/^SERVING\.A: declare no profile; each requirement declares `profile: 'conformance'`/);
  });

  it('refuses what selects nothing, naming what is valid', () => {
    expect(() => select(specs, { suites: ['nope'], requirements: [], level: undefined, profile: undefined })).toThrow(/--suite nope: matches no suite; suites: serving\/a, serving\/c, mesh\/d/);
    expect(() => select(specs, { suites: [], requirements: ['X.Y'], level: undefined, profile: undefined })).toThrow(UserError);
    expect(() => select(specs, { suites: ['serving/c'], requirements: [], level: 'MUST', profile: undefined })).toThrow(/leaves no requirement/);
  });
});
