import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../lib/errors.ts';
import { tempDir } from '../../lib/testing/temp-dir.ts';
import { parseConfig } from './load.ts';
import { loadWaivers, parseWaivers } from './waivers.ts';

const scratch = tempDir('waivers');
afterAll(() => scratch.remove());

function file(name: string, text: string): string {
  writeFileSync(join(scratch.path, name), text);
  return name;
}

/** The UserError's message, or the test fails. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('accepted what it should refuse');
}

describe('a waiver file', () => {
  it('reads YAML: ids and globs under a layer, an expectation by its claim, a reason and the last day; each with where it was declared', () => {
    const name = file('waivers.yaml', [
      '# our deviations',
      'waivers:',
      '  - requirement: SERVING.RUNTIME.HEADERS-X-FORWARDED',
      '    reason: Our edge proxy rewrites X-Forwarded-For (PLAT-1234)',
      '    expires: 2026-06-30',
      '  - requirement: MESH.FAULT.*',
      '    expectation: "every request is delayed by at least 1 s"',
      '    reason: "  fault injection runs on the old filter  "',
      '    expires: "2026-01-31"',
      '',
    ].join('\n'));
    expect(loadWaivers(name, scratch.path)).toEqual([
      { requirement: 'SERVING.RUNTIME.HEADERS-X-FORWARDED', reason: 'Our edge proxy rewrites X-Forwarded-For (PLAT-1234)', expires: '2026-06-30', source: 'waivers.yaml, entry 1' },
      { requirement: 'MESH.FAULT.*', expectation: 'every request is delayed by at least 1 s', reason: 'fault injection runs on the old filter', expires: '2026-01-31', source: 'waivers.yaml, entry 2' },
    ]);
  });

  it('reads JSON as well', () => {
    const name = file('waivers.json', JSON.stringify({ waivers: [{ requirement: 'SERVING.READY.BASIC', reason: 'r', expires: '2030-01-01' }] }));
    expect(loadWaivers(name, scratch.path)).toEqual([{ requirement: 'SERVING.READY.BASIC', reason: 'r', expires: '2030-01-01', source: 'waivers.json, entry 1' }]);
  });

  it('names the file, the entry, the field and the fix of each mistake, on one line', () => {
    const message = refusal(() =>
      parseWaivers('w.yaml', {
        waivers: [
          { requirement: 'serving.ready.basic', reason: '', expires: 'soon', expiry: '2026-01-01' },
          { requirement: '*', reason: 'r', expires: '2026-02-30' },
          { reason: 'r' },
        ],
      }),
    );
    expect(message).not.toContain('\n');
    const issues = message.split('; w.yaml: ').map((m, i) => (i === 0 ? m.replace(/^w\.yaml: /, '') : m));
    expect(issues).toEqual([
      expect.stringMatching(/^entry 1 \(serving\.ready\.basic\): requirement: "serving\.ready\.basic" is not a requirement id: ids are upper case/),
      expect.stringMatching(/^entry 1 \(serving\.ready\.basic\): reason: empty: say why the platform deviates, and where it is tracked$/),
      expect.stringMatching(/^entry 1 \(serving\.ready\.basic\): expires: "soon" is not a date: the last day the waiver applies, as YYYY-MM-DD \(e\.g\. 2026-06-30\)$/),
      expect.stringMatching(/^entry 1 \(serving\.ready\.basic\): unknown field "expiry": a waiver has requirement, expectation \(optional\), reason and expires$/),
      expect.stringMatching(/^entry 2 \(\*\): requirement: "\*" names no layer: .*SERVING\.RUNTIME\.TIMEOUT or SERVING\.RUNTIME\.\*$/),
      expect.stringMatching(/^entry 2 \(\*\): expires: "2026-02-30" is not a date/),
      expect.stringMatching(/^entry 3: requirement: required: the requirement id/),
      expect.stringMatching(/^entry 3: expires: required: the last day the waiver applies, as YYYY-MM-DD/),
    ]);
  });

  it('refuses two entries that waive the same thing, naming both', () => {
    const w = { requirement: 'SERVING.READY.BASIC', reason: 'r', expires: '2030-01-01' };
    expect(refusal(() => parseWaivers('w.yaml', { waivers: [w, { ...w, expectation: 'c' }, { ...w, reason: 'again' }] }))).toBe(
      'w.yaml: entry 3 (SERVING.READY.BASIC): requirement: waives what entry 1 waives already: merge the two into one entry',
    );
  });

  it('refuses a file that is empty, not a mapping, without `waivers:`, or not YAML at all', () => {
    expect(refusal(() => loadWaivers(file('empty.yaml', '# nothing\n'), scratch.path))).toMatch(/^empty\.yaml: is empty: write `waivers:`/);
    expect(refusal(() => parseWaivers('w.yaml', [{ requirement: 'SERVING.X' }]))).toMatch(/^w\.yaml: \(top level\): a waiver file is a mapping with one field, `waivers:`/);
    expect(refusal(() => parseWaivers('w.yaml', { waiver: [] }))).toMatch(/^w\.yaml: waivers: required: a list of waivers.*; w\.yaml: \(top level\): unknown field "waiver"/);
    expect(refusal(() => parseWaivers('w.yaml', { waivers: ['SERVING.X'] }))).toBe('w.yaml: entry 1: a waiver is a mapping: requirement, expectation (optional), reason, expires');
    expect(refusal(() => loadWaivers(file('broken.yaml', 'waivers: [oops\n'), scratch.path))).toMatch(/^broken\.yaml:2:1: not valid YAML or JSON: /);
    expect(refusal(() => loadWaivers('none.yaml', scratch.path))).toBe('waivers none.yaml: no such file');
  });
});

describe('waivers in the config', () => {
  it('take a file path or the list itself, and name the config file and the field of a mistake', () => {
    expect(parseConfig('gauntlet.config.ts', { waivers: 'waivers.yaml' }).waivers).toBe('waivers.yaml');
    expect(parseConfig('gauntlet.config.ts', { waivers: [{ requirement: 'SERVING.X', reason: 'r', expires: '2030-01-01' }] }).waivers).toEqual([
      { requirement: 'SERVING.X', reason: 'r', expires: '2030-01-01' },
    ]);
    expect(refusal(() => parseConfig('gauntlet.config.ts', { waivers: [{ requirement: 'SERVING.X', reason: 'r', expires: 'soon' }] }))).toMatch(
      /^gauntlet\.config\.ts: waivers\.0\.expires: "soon" is not a date/,
    );
    expect(refusal(() => parseConfig('gauntlet.config.ts', { waivers: 3 }))).toBe("gauntlet.config.ts: waivers: a waiver file's path, or a list of waivers (requirement, reason, expires)");
  });

  it('take a profile: conformance or operational', () => {
    expect(parseConfig('gauntlet.config.ts', { profile: 'operational' }).profile).toBe('operational');
    expect(refusal(() => parseConfig('gauntlet.config.ts', { profile: 'both' }))).toMatch(/^gauntlet\.config\.ts: profile: .*"conformance"\|"operational"/);
  });
});
