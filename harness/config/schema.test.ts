import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.ts';

describe('the config schema', () => {
  it('takes the number of suite files run at once, a whole number from 1', () => {
    expect(parseConfig('gauntlet.config.ts', { workers: 5 }).workers).toBe(5);
    expect(parseConfig('gauntlet.config.ts', {}).workers).toBeUndefined();
    expect(() => parseConfig('gauntlet.config.ts', { workers: 0 })).toThrow(/^gauntlet\.config\.ts: workers: /);
    expect(() => parseConfig('gauntlet.config.ts', { workers: 2.5 })).toThrow(/workers/);
  });

  it('names the file and the field of an unknown key', () => {
    expect(() => parseConfig('my.config.ts', { wokers: 2 })).toThrow(/^my\.config\.ts: /);
  });
});
